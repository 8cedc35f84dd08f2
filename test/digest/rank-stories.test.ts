import { describe, expect, it } from 'vitest';
import { rankStories, storyScore } from '../../src/digest/rank-stories.js';
import { HOUR, NOW, item, story } from './fixtures.js';

const window = { from: NOW - 24 * HOUR, to: NOW };
const theme = 'regional-integration' as const;

describe('story ranking', () => {
  it.each([
    {
      name: 'a higher theme score wins, all else equal',
      better: story(item('a', { themes: { [theme]: 0.9 } })),
      worse: story(item('b', { themes: { [theme]: 0.3 } })),
    },
    {
      name: 'more outlets win',
      better: story(item('a', { outlet: 'A' }), [item('a2', { outlet: 'B' }), item('a3', { outlet: 'C' })]),
      worse: story(item('b', { outlet: 'D' })),
    },
    {
      name: 'the newer story wins',
      better: story(item('a', { publishedAt: NOW - HOUR })),
      worse: story(item('b', { publishedAt: NOW - 20 * HOUR })),
    },
    {
      name: 'a story told in more languages wins',
      better: story(item('a', { outlet: 'A' }), [item('a2', { outlet: 'B', language: 'pt' })]),
      worse: story(item('b', { outlet: 'C' }), [item('b2', { outlet: 'D' })]),
    },
  ])('$name', ({ better, worse }) => {
    expect(storyScore(better, theme, window)).toBeGreaterThan(storyScore(worse, theme, window));
    expect(rankStories([worse, better], theme, window, 2).map((s) => s.id)).toEqual([better.id, worse.id]);
  });

  it('keeps the top N', () => {
    const stories = Array.from({ length: 8 }, (_, i) => story(item(`t${i}`, { outlet: `O${i}`, themes: { [theme]: i / 10 } })));
    const ranked = rankStories(stories, theme, window, 3);
    expect(ranked.map((s) => s.lead.title)).toEqual(['t7', 't6', 't5']);
  });

  it('spreads the picks across outlets when scores are close', () => {
    const prolific = Array.from({ length: 3 }, (_, i) => story(item(`p${i}`, { outlet: 'Prolific', themes: { [theme]: 0.8 } })));
    const other = story(item('o', { outlet: 'Other', themes: { [theme]: 0.75 } }));
    const ranked = rankStories([...prolific, other], theme, window, 2);
    expect(ranked.map((s) => s.lead.outlet)).toEqual(['Prolific', 'Other']);
  });

  it('gives a score in [0, 1] and breaks ties by recency, then id', () => {
    const a = story(item('a', { id: 5001, publishedAt: NOW - 2 * HOUR }));
    const b = story(item('b', { id: 5002, publishedAt: NOW - 2 * HOUR }));
    const [first] = rankStories([b, a], theme, window, 1);
    expect(first?.id).toBe('s5001');
    expect(first?.score).toBeGreaterThanOrEqual(0);
    expect(first?.score).toBeLessThanOrEqual(1);
  });
});
