import fc from 'fast-check'

/** Pieces of text that have broken real systems: each kind the issue names, and a few more. */
const FRAGMENTS = {
  emoji: ['😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇧🇷', '🐘'],
  combiningMarks: ['e\u0301', 'Z\u0364\u0354\u0367\u0311\u0313', '\u0301', 'ก\u0e34\u0e4a'],
  rightToLeft: ['\u202Eevil\u202C', 'مرحبا', 'שלום', '\u200F', '\u061C'],
  controls: ['\u0000', '\u0007', '\u001B[31m', '\r\n', '\u2028', '\u0085', '\uFFFD', '\uFFFF'],
  whitespace: [' ', '\t', '\n', '\u00A0', '\u3000', '\uFEFF', '\u200B'],
  loneSurrogates: ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'],
  sql: [
    "'; DROP TABLE posts;--",
    "' OR '1'='1",
    '1; SELECT pg_sleep(10)--',
    '$1',
    '$$',
    "E'\\\\'",
    '\\x00',
    '/* */',
    "'); DELETE FROM posts WHERE ('1'='1",
  ],
  other: [
    '%s%n',
    '{{7*7}}',
    // A template literal's placeholder, as text.
    '$' + '{7*7}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '__proto__',
  ],
}

export const fragment = fc.constantFrom(...Object.values(FRAGMENTS).flat())
const whitespace = fc.constantFrom(...FRAGMENTS.whitespace)

/** Any text a client might send: the fragments above mixed with random code points and graphemes. */
export const nastyString = fc
  .array(
    fc.oneof(
      fragment,
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''))

/** A piece repeated into a very long string: past every length limit, sometimes past 64 KiB. */
export const longString = fc
  .tuple(fc.oneof(fragment, fc.string({ minLength: 1, maxLength: 3 })), fc.nat({ max: 12_000 }))
  .map(([piece, times]) => piece.repeat(times))

/** `value` with whitespace on either side, which the API must trim. */
export const padded = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.array(whitespace, { maxLength: 3 }), value, fc.array(whitespace, { maxLength: 3 }))
    .map(([before, core, after]) => `${before.join('')}${core}${after.join('')}`)

/** Raw JSON text of a number JavaScript cannot hold exactly, or at all. */
const hugeNumberText = fc.constantFrom(
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '1E-400',
  '0.1e1',
)

/** Arrays nested `depth` times around a value: a parser that recurses would overflow its stack. */
const deeplyNestedText = fc
  .nat({ max: 20_000 })
  .map((depth) => `${'['.repeat(depth)}"x"${']'.repeat(depth)}`)

/**
 * Raw JSON text for one field of a request body: strings of every kind, wrong types, huge numbers, deep
 * nesting. Raw text rather than a value, because `1e400` and deep nesting cannot be built with JSON.stringify.
 */
export const fieldText = fc.oneof(
  { weight: 12, arbitrary: padded(nastyString).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: longString.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: hugeNumberText },
  { weight: 1, arbitrary: deeplyNestedText },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '0') },
)

/** Percent-encoded junk that no encoder produces: truncated, overlong or invalid UTF-8, NUL, dot segments. */
export const percentJunk = fc.constantFrom(
  '%',
  '%Z',
  '%ZZ',
  '%E0%A4',
  '%FF%FE',
  '%C0%AF',
  '%C0%AE%C0%AE',
  '%00',
  '%2e%2e%2f',
  '%ED%A0%80',
  '%25',
  '%u0041',
  '+',
  ';',
  '&&',
  '==',
)

/** A URL component: random text encoded as a browser would, or raw junk no browser would send. */
export const urlComponent = fc.oneof(
  // A URL carries UTF-8, which has no lone surrogates: a browser sends U+FFFD (the raw junk has %ED%A0%80).
  nastyString.map((text) => encodeURIComponent(text.replace(/[\uD800-\uDFFF]/gu, '\uFFFD'))),
  fc
    .array(fc.oneof(percentJunk, fc.string({ unit: 'binary-ascii', maxLength: 4 })), {
      maxLength: 6,
    })
    .map((parts) => parts.join('').replace(/[#?/\\]/g, '')),
)
