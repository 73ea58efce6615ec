import { InputError } from '../errors';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param text - Any string.
 * @returns `text` with `& < > " '` replaced by character references.
 * @example
 * escapeHtml('<b>"x" & y</b>'); // '&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string);
}

/**
 * Serialises a value as JSON that is safe inside an HTML `<script>` element (of type
 * `application/json` or JavaScript): `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026`, so no
 * `</script>` or `<!--` can appear, and U+2028 / U+2029 are escaped for older JavaScript parsers.
 * `JSON.parse` of the element's text returns the original value. As with `JSON.stringify`, `NaN`
 * and infinities become `null`.
 *
 * @param value - A JSON-serialisable value.
 * @returns The escaped JSON text.
 * @throws InputError when `value` cannot be serialised (`undefined`, a function, a cycle, a BigInt).
 * @example
 * jsonForScript({ name: '</script>' }); // '{"name":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InputError(`value must be JSON-serialisable: ${(error as Error).message}`, { argument: 'value' });
  }
  if (json === undefined) {
    throw new InputError(`value must be JSON-serialisable, got ${typeof value}`, { argument: 'value', value: typeof value });
  }
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Makes JavaScript source safe to inline in a `<script>` element.
 *
 * `</script` (any case) is rewritten as `<\/script`, which means the same in every place it can
 * legally occur in JavaScript (string, template, regular expression, comment). A source holding
 * both `<!--` and `<script` cannot be fixed that way (the HTML parser's "double escaped" state
 * would swallow the closing tag), so it is refused rather than inlined broken.
 *
 * @param source - JavaScript source.
 * @param argument - What the source is, for the error message.
 * @returns Source safe to place between `<script>` and `</script>`.
 * @throws InputError when `source` holds both `<!--` and `<script`.
 * @example
 * scriptSafe('var s = "</script>";'); // 'var s = "<\\/script>";'
 */
export function scriptSafe(source: string, argument = 'source'): string {
  if (source.includes('<!--') && /<script/i.test(source)) {
    throw new InputError(`${argument} holds both "<!--" and "<script" and cannot be inlined in HTML safely`, { argument });
  }
  return source.replace(/<\/(script)/gi, '<\\/$1');
}
