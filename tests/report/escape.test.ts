import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript, scriptSafe } from '../../src/report/escape';
import { expectInputError } from '../plot/expectInputError';

describe('escapeHtml', () => {
  it('escapes the five special characters', () => {
    expect(escapeHtml(`<b class="x">'a' & b</b>`)).toBe('&lt;b class=&quot;x&quot;&gt;&#39;a&#39; &amp; b&lt;/b&gt;');
  });
});

describe('jsonForScript', () => {
  it.each([
    [{ name: '</script><script>alert(1)</script>' }],
    [{ s: '<!-- x --> & \u2028 \u2029' }],
    [[1, 'a', null, { nested: ['</SCRIPT>'] }]],
  ])('round-trips %j without any < > &', (value) => {
    const json = jsonForScript(value);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('writes NaN as null, like JSON.stringify', () => {
    expect(jsonForScript([NaN])).toBe('[null]');
  });

  it('rejects what JSON cannot hold', () => {
    expectInputError(() => jsonForScript(undefined), 'value must be JSON-serialisable, got undefined');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonForScript(cycle)).toThrow(/value must be JSON-serialisable: .*circular/i);
  });
});

describe('scriptSafe', () => {
  it('breaks closing script tags in any case', () => {
    expect(scriptSafe('a="</script>";b=/<\\/SCRIPT/;c="</Script "')).toBe('a="<\\/script>";b=/<\\/SCRIPT/;c="<\\/Script "');
  });
  it('evaluates to the same strings', () => {
    const source = 'globalThis.__s = "x</script>y";';
    // eslint-disable-next-line no-eval
    (0, eval)(scriptSafe(source));
    expect((globalThis as { __s?: string }).__s).toBe('x</script>y');
  });
  it('refuses source it cannot make safe', () => {
    expectInputError(() => scriptSafe('x = "<!--<script>"', 'lib.js'), 'lib.js holds both "<!--" and "<script" and cannot be inlined in HTML safely');
  });
});
