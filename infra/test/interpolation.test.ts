// biome-ignore-all lint/suspicious/noTemplateCurlyInString: every string here is Compose interpolation syntax
import { describe, expect, test } from 'vitest'
import { interpolate, referencesWithoutDefault, variablesIn } from '../src/interpolation.js'

describe('interpolate', () => {
  test('a default applies when the variable is unset, and for :- also when it is empty', () => {
    expect(interpolate('${A:-x} ${A-y}', {})).toBe('x y')
    expect(interpolate('${A:-x} ${A-y}', { A: '' })).toBe('x ')
    expect(interpolate('${A:-x} ${A-y}', { A: 'set' })).toBe('set set')
  })

  test('a plain reference resolves to the value, or to nothing when unset', () => {
    expect(interpolate('$A/${B}', { A: 'a', B: 'b' })).toBe('a/b')
    expect(interpolate('[$A]', {})).toBe('[]')
  })

  test('$$ is a literal dollar and is not a variable', () => {
    expect(interpolate('$${A}', { A: 'a' })).toBe('${A}')
    expect(variablesIn('$${A} $$B')).toEqual([])
  })

  test('a required variable that is missing is an error naming it', () => {
    expect(() => interpolate('${A:?set A}', {})).toThrow('A is required: set A')
    expect(interpolate('${A:?set A}', { A: 'a' })).toBe('a')
  })

  test('+ substitutes the word only when the variable is set', () => {
    expect(interpolate('${A:+on}|${B:+on}', { A: 'x' })).toBe('on|')
  })
})

test('variablesIn lists each variable once, braced or bare, in order of use', () => {
  expect(variablesIn('${B:-1} $A ${B} ${C:?x}')).toEqual(['B', 'A', 'C'])
})

test('referencesWithoutDefault lists the references that resolve to nothing when unset', () => {
  expect(
    referencesWithoutDefault('a: ${A:-1}\nb: ${B}\nc: $C\nd: ${D:?required}\ne: $$E\nf: ${F-}\n'),
  ).toEqual(['${B}', '$C', '${D:?required}'])
})
