import { validate } from 'class-validator';
import { findUncleanCharacter, IsCleanText } from './clean-text';

class Named {
  @IsCleanText()
  name: unknown;
}

async function problemsFor(name: unknown) {
  const named = new Named();
  named.name = name;

  return validate(named);
}

describe('findUncleanCharacter', () => {
  it.each([
    ['plain ASCII', 'billing service'],
    ['empty string', ''],
    ['accents and CJK', 'Zürich 東京'],
    ['surrogate pair (emoji)', 'deploy \u{1F680} bot'],
    ['right-to-left text', 'שלום'],
    ['zero-width joiner', 'a\u200db'],
  ])('accepts %s', (_case, text) => {
    expect(findUncleanCharacter(text)).toBeNull();
  });

  it.each([
    ['NUL', 'ab\u0000c', 2, 'U+0000', 'control character'],
    ['tab', 'a\tb', 1, 'U+0009', 'control character'],
    ['line feed', 'a\nb', 1, 'U+000A', 'control character'],
    ['unit separator', '\u001f', 0, 'U+001F', 'control character'],
    ['DEL', 'x\u007f', 1, 'U+007F', 'control character'],
    ['C1 control', 'x\u0085', 1, 'U+0085', 'control character'],
    ['lone high surrogate', 'a\ud83d', 1, 'U+D83D', 'lone surrogate'],
    ['lone low surrogate', '\ude80a', 0, 'U+DE80', 'lone surrogate'],
    ['reversed pair', '\ude80\ud83d', 0, 'U+DE80', 'lone surrogate'],
    ['LRE', 'a\u202ab', 1, 'U+202A', 'bidirectional control'],
    ['RLO', 'a\u202eb', 1, 'U+202E', 'bidirectional control'],
    ['LRI', 'a\u2066b', 1, 'U+2066', 'bidirectional control'],
    ['PDI', 'a\u2069b', 1, 'U+2069', 'bidirectional control'],
  ])('rejects %s', (_case, text, index, codePoint, reason) => {
    expect(findUncleanCharacter(text)).toEqual({ index, codePoint, reason });
  });

  it('accepts characters next to the bidi ranges', () => {
    expect(findUncleanCharacter('\u2027\u202f\u2065\u206a')).toBeNull();
  });
});

describe('IsCleanText', () => {
  it('passes clean text', async () => {
    expect(await problemsFor('reporting \u{1F4CA}')).toEqual([]);
  });

  it('names the field and character', async () => {
    const [problem] = await problemsFor('bad\u0000name');

    expect(problem.property).toBe('name');
    expect(problem.constraints).toEqual({
      isCleanText:
        'name must not contain a control character, but has U+0000 at index 3',
    });
  });

  it('rejects a lone surrogate', async () => {
    const [problem] = await problemsFor('x\udc00');

    expect(problem.constraints?.isCleanText).toContain('U+DC00');
  });

  it('rejects a non-string', async () => {
    const [problem] = await problemsFor(42);

    expect(problem.constraints?.isCleanText).toBe('name must be a string');
  });

  it.each(['\u200b', ' \u2060 ', '\ufeff'])(
    'rejects text with nothing visible: %j',
    async (text) => {
      const [problem] = await problemsFor(text);

      expect(problem.constraints?.isCleanText).toBe(
        'name must contain a visible character',
      );
    },
  );

  it('rejects a line separator', async () => {
    const [problem] = await problemsFor('a\u2028b');

    expect(problem.constraints?.isCleanText).toContain('U+2028');
  });
});
