/**
 * `node --import` this file to append every module URL the process loads to the file named by
 * LOADED_MODULES_LOG, one a line: how the tests see what a command loads, without timing it.
 */
import { register } from 'node:module';

register('./loaded-modules-hooks.mjs', import.meta.url);
