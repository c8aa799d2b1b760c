import { jsonDepthExceeds } from './json-depth';

describe('jsonDepthExceeds', () => {
  it('accepts JSON at the maximum depth', () => {
    const body = Buffer.from(`${'['.repeat(64)}${']'.repeat(64)}`);

    expect(jsonDepthExceeds(body, 64)).toBe(false);
  });

  it('rejects JSON one level deeper', () => {
    const body = Buffer.from(`{"a":${'['.repeat(64)}${']'.repeat(64)}}`);

    expect(jsonDepthExceeds(body, 64)).toBe(true);
  });

  it('ignores brackets inside strings and escaped quotes', () => {
    const body = Buffer.from(JSON.stringify({ text: `\\"${'['.repeat(500)}` }));

    expect(jsonDepthExceeds(body, 2)).toBe(false);
  });
});
