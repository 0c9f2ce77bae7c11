/**
 * Text from agents and users made safe to show. Its own module, free of zod, so that the CLI can
 * clean what it prints without loading the schemas at start-up.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: neutralising control characters is the point
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Text safe to print on a terminal or put in a page: escape sequences removed, `\r\n` as `\n`,
 * other control characters (a stray `\r`, a bell) as nothing. Newlines and tabs stay.
 */
export function cleanText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(CONTROL, '');
}
