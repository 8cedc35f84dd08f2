import { describe, expect, it } from 'vitest';
import {
  parseContentEncoding,
  parseContentLength,
  parseContentType,
  parseMaxAge,
  statusMeaning,
} from '../../src/feeds/http-response.js';

describe('statusMeaning', () => {
  it.each([
    [200, false, 'ok'],
    [203, false, 'ok'],
    [304, false, 'not-modified'],
    [301, false, 'redirect'],
    [302, false, 'redirect'],
    [303, false, 'redirect'],
    [307, false, 'redirect'],
    [308, false, 'redirect'],
    [300, false, 'http'],
    [429, false, 'rate-limited'],
    [429, true, 'rate-limited'],
    [503, true, 'rate-limited'],
    [503, false, 'http'],
    [410, false, 'gone'],
    [404, false, 'not-found'],
    [500, true, 'http'],
    [403, false, 'http'],
  ] as const)('reads HTTP %i (Retry-After present: %s) as %s', (status, hasRetryAfter, meaning) => {
    expect(statusMeaning(status, hasRetryAfter)).toBe(meaning);
  });
});

describe('parseMaxAge', () => {
  it.each([
    ['max-age=300', 300],
    ['public, max-age=600, must-revalidate', 600],
    ['MAX-AGE = 60', 60],
    ['max-age="90"', 90],
    ['s-maxage=100, max-age=5', 5],
    ['s-maxage=100', null],
    ['no-cache', null],
    ['max-age=abc', null],
    [null, null],
  ])('reads %j as %j', (value, seconds) => {
    expect(parseMaxAge(value)).toBe(seconds);
  });
});

describe('parseContentEncoding', () => {
  it.each([
    ['gzip', ['gzip']],
    [' GZip ', ['gzip']],
    ['identity', []],
    ['deflate, br', ['br', 'deflate']],
    ['', []],
    [null, []],
  ])('lists %j as %j, last applied first', (value, codings) => {
    expect(parseContentEncoding(value)).toEqual(codings);
  });
});

describe('parseContentType', () => {
  it.each([
    ['application/rss+xml; charset=UTF-8', { mediaType: 'application/rss+xml', charset: 'utf-8' }],
    ['text/xml;charset="ISO-8859-1"', { mediaType: 'text/xml', charset: 'iso-8859-1' }],
    ['Application/Atom+XML', { mediaType: 'application/atom+xml', charset: null }],
    ['text/html; boundary=x; charset=windows-1252', { mediaType: 'text/html', charset: 'windows-1252' }],
    ['', null],
    [null, null],
  ])('splits %j into %j', (value, parts) => {
    expect(parseContentType(value)).toEqual(parts);
  });
});

describe('parseContentLength', () => {
  it.each([
    ['1024', 1024],
    ['0', 0],
    [' 12 ', 12],
    ['-1', null],
    ['1e3', null],
    ['', null],
    [null, null],
  ])('reads %j as %j', (value, length) => {
    expect(parseContentLength(value)).toBe(length);
  });
});
