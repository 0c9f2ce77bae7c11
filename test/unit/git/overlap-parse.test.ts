import { describe, expect, it } from 'vitest';
import {
  lineSpan,
  mapRange,
  parseMergeTreeStdin,
  parseRawPatch,
  touches,
} from '../../../src/git/overlap-parse.js';

const raw = (status: string, path: string) =>
  `:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} ${status}\0${path}\0`;

describe('parseRawPatch', () => {
  it('gives each path exactly, with its hunks as gaps of the fork point and of the side', () => {
    const out =
      raw('M', 'f') +
      raw('A', 'sp ace"q') +
      raw('M', 'g') +
      '\0' +
      'diff --git a/f b/f\nindex 1..2 100644\n--- a/f\n+++ b/f\n@@ -3,2 +3 @@ ctx\n-x\n-y\n+z\n@@ -9,0 +9,2 @@\n+p\n+q\n' +
      'diff --git "a/sp ace\\"q" "b/sp ace\\"q"\nnew file mode 100644\nBinary files /dev/null and "b/sp ace\\"q" differ\n' +
      'diff --git a/g b/g\n--- a/g\n+++ b/g\n@@ -4 +3,0 @@\n-gone\n';
    const files = parseRawPatch(out);
    expect([...files.keys()]).toEqual(['f', 'sp ace"q', 'g']);
    expect(files.get('f')).toEqual({
      path: 'f',
      wholeFile: false,
      hunks: [
        { base: [2, 4], side: [2, 3] },
        { base: [9, 9], side: [8, 10] },
      ],
    });
    expect(files.get('sp ace"q')).toEqual({ path: 'sp ace"q', hunks: [], wholeFile: true });
    expect(files.get('g')?.hunks).toEqual([{ base: [3, 4], side: [3, 3] }]);
  });

  it('counts every file as whole when the patch blocks do not match the records', () => {
    const files = parseRawPatch(`${raw('M', 'a')}${raw('M', 'b')}\0diff --git a/a b/a\n@@ -1 +1 @@\n`);
    expect([...files.values()].map((f) => f.wholeFile)).toEqual([true, true]);
  });

  it('reads an empty diff as no files', () => {
    expect(parseRawPatch('').size).toBe(0);
  });
});

describe('touches', () => {
  it('is true for shared gaps and adjacent lines, false for lines apart', () => {
    expect(touches([2, 4], [3, 5])).toBe(true); // overlapping lines
    expect(touches([2, 3], [3, 4])).toBe(true); // lines 3 and 4: adjacent, git conflicts
    expect(touches([3, 3], [2, 3])).toBe(true); // insertion after line 3, next to a change of line 3
    expect(touches([2, 3], [4, 5])).toBe(false); // line 3 and line 5
  });
});

describe('lineSpan', () => {
  it('turns gaps into 1-based inclusive lines, a point into the line before it', () => {
    expect(lineSpan([2, 4])).toEqual([3, 4]);
    expect(lineSpan([6, 6])).toEqual([6, 6]);
  });
});

describe('mapRange', () => {
  it('shifts a range below a change, and widens one inside a change to all of it', () => {
    // Three lines inserted at the top, then line 8 (gap 7..8) replaced by two lines.
    const through = [
      { base: [0, 0] as const, side: [0, 3] as const },
      { base: [7, 8] as const, side: [10, 12] as const },
    ];
    expect(mapRange([5, 6], through)).toEqual([8, 9]); // line 6 → line 9
    expect(mapRange([7, 8], through)).toEqual([10, 12]); // the replaced line → both new lines
    expect(mapRange([9, 10], through)).toEqual([13, 14]); // below both: +3, then +1
    expect(mapRange([2, 3], [])).toEqual([2, 3]);
  });
});

describe('parseMergeTreeStdin', () => {
  it('reads each merge: conflicted or clean, and the conflicted paths', () => {
    const tree = 'a'.repeat(40);
    const out = `0\0${tree}\0f\0dir/g h\0\0` + `1\0${tree}\0\0` + `0\0${tree}\0x\0\0`;
    expect(parseMergeTreeStdin(out)).toEqual([
      { conflicts: true, files: ['f', 'dir/g h'] },
      { conflicts: false, files: [] },
      { conflicts: true, files: ['x'] },
    ]);
  });
});
