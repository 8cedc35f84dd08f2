import type { SearchFilters } from '../core/search.js';

/** The search bench's filtered queries: one theme and the last 7 days (apart, so the report can name them without loading the store). */
export const FILTERED: SearchFilters = { theme: 'trade-tariffs', days: 7 };
