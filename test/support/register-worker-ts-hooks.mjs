import { register } from 'node:module';

register('./worker-ts-hooks.mjs', import.meta.url);
