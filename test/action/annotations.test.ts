import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/compare/finding.js';
import { annotationLevel, selectAnnotations } from '../../src/report/annotations.js';
import { makeFinding } from './factories.js';

function findings(severity: Severity, count: number) {
  return Array.from({ length: count }, (_, index) =>
    makeFinding({ severity, location: { file: 'a.yaml', line: index + 1 } }),
  );
}

describe('selectAnnotations', () => {
  it.each([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'notice'],
    ['info', 'notice'],
  ] as const)('maps %s to %s', (severity, level) => {
    expect(annotationLevel(severity)).toBe(level);
  });

  it('puts the file, line and a title with the rule id on each annotation', () => {
    const [annotation] = selectAnnotations([makeFinding()]);
    expect(annotation).toEqual({
      level: 'error',
      title: 'security-removed (critical)',
      message: expect.stringContaining(
        'Before: X509 (production, TLS). After: anonymous (production, TLS).',
      ) as string,
      file: 'asyncapi.yaml',
      startLine: 12,
    });
  });

  it('leaves out the file when the location is not a head file', () => {
    const [annotation] = selectAnnotations([makeFinding()], { isHeadFile: () => false });
    expect(annotation?.file).toBeUndefined();
    expect(annotation?.startLine).toBeUndefined();
  });

  it('emits the worst first', () => {
    const selected = selectAnnotations([
      makeFinding({ severity: 'low' }),
      makeFinding({ severity: 'critical' }),
      makeFinding({ severity: 'medium' }),
    ]);
    expect(selected.map((annotation) => annotation.title)).toEqual([
      'security-removed (critical)',
      'security-removed (medium)',
      'security-removed (low)',
    ]);
  });

  it('keeps 10 per level and one notice that counts the rest', () => {
    const selected = selectAnnotations([
      ...findings('critical', 8),
      ...findings('high', 5),
      ...findings('medium', 3),
      ...findings('info', 12),
    ]);
    const byLevel = (level: string) => selected.filter((a) => a.level === level).length;
    expect(byLevel('error')).toBe(10);
    expect(byLevel('warning')).toBe(3);
    expect(byLevel('notice')).toBe(10);

    const last = selected.at(-1);
    expect(last?.title).toBe('More findings');
    // 3 high errors and 3 info notices did not fit: 9 info notices plus the counting notice.
    expect(last?.message).toMatch(/^6 more findings are not annotated/);
  });

  it('respects a job limit smaller than three levels, and names it', () => {
    const selected = selectAnnotations([...findings('critical', 4), ...findings('medium', 4)], {
      limits: { perLevel: 10, perJob: 5 },
    });
    expect(selected).toHaveLength(5);
    expect(selected.slice(0, 4).every((annotation) => annotation.level === 'error')).toBe(true);
    expect(selected[4]?.message).toBe(
      '4 more findings are not annotated, because GitHub shows at most 5 annotations per job.',
    );
  });

  it('names the per-level limit when that is what left findings out', () => {
    const selected = selectAnnotations(findings('critical', 12));
    expect(selected.at(-1)?.message).toBe(
      '2 more findings are not annotated, because GitHub shows at most 10 annotations of each ' +
        'level per step.',
    );
  });

  it('names both limits when both left findings out', () => {
    const selected = selectAnnotations([...findings('critical', 6), ...findings('medium', 6)], {
      limits: { perLevel: 4, perJob: 7 },
    });
    expect(selected.at(-1)?.message).toMatch(
      /^6 more findings are not annotated, because GitHub shows at most 4 annotations of each level per step and 7 per job\.$/,
    );
  });

  it('points to where the rest are only when told, and to nothing else', () => {
    const elsewhere = 'The `findings` output of this step holds every finding as JSON.';
    const told = selectAnnotations(findings('critical', 12), { elsewhere });
    expect(told.at(-1)?.message).toMatch(/per step\. The `findings` output of this step holds/);
    const untold = selectAnnotations(findings('critical', 12));
    expect(untold.at(-1)?.message).not.toMatch(/summary/);
  });

  it("leaves the reserved slots free: the step's failure message and its own warnings", () => {
    const selected = selectAnnotations([...findings('critical', 12), ...findings('medium', 12)], {
      reserved: { error: 1, warning: 3 },
    });
    const byLevel = (level: string) => selected.filter((a) => a.level === level).length;
    expect(byLevel('error')).toBe(9);
    expect(byLevel('warning')).toBe(7);
    expect(selected.at(-1)?.message).toMatch(/^8 more findings are not annotated/);
  });

  it('counts reserved slots against the job limit too', () => {
    const selected = selectAnnotations(findings('critical', 8), {
      limits: { perLevel: 10, perJob: 6 },
      reserved: { warning: 2 },
    });
    expect(selected).toHaveLength(4);
    expect(selected.at(-1)?.message).toMatch(/^5 more findings .* 6 annotations per job\.$/);
  });

  it('puts the counting notice at another level when notices have no room', () => {
    const selected = selectAnnotations(findings('info', 3), {
      limits: { perLevel: 2, perJob: 50 },
      reserved: { notice: 2 },
    });
    expect(selected).toEqual([
      expect.objectContaining({ level: 'warning', title: 'More findings' }),
    ]);
    expect(selected[0]?.message).toMatch(/^3 more findings are not annotated/);
  });

  it('counts pinned annotations against the limits and keeps them first', () => {
    const pinned = Array.from({ length: 3 }, () => ({
      level: 'notice' as const,
      title: 'AsyncAPI document deleted',
      message: 'gone',
    }));
    const selected = selectAnnotations(findings('low', 8), { pinned });
    expect(selected.slice(0, 3)).toEqual(pinned);
    expect(selected.filter((annotation) => annotation.level === 'notice')).toHaveLength(10);
    expect(selected.at(-1)?.message).toMatch(/^2 more findings/);
  });

  it('keeps pinned notices within the limit and counts those left out', () => {
    const pinned = Array.from({ length: 12 }, (_, index) => ({
      level: 'notice' as const,
      title: 'AsyncAPI document deleted',
      message: `gone ${index}`,
    }));
    const selected = selectAnnotations(findings('critical', 2), { pinned });
    expect(selected.filter((annotation) => annotation.level === 'notice')).toHaveLength(10);
    expect(
      selected.filter((annotation) => annotation.title === 'AsyncAPI document deleted'),
    ).toHaveLength(9);
    expect(selected.at(-1)?.message).toMatch(/^3 more notices are not annotated/);
  });

  it('adds no counting notice when everything fits', () => {
    const selected = selectAnnotations(findings('info', 10));
    expect(selected).toHaveLength(10);
    expect(selected.some((annotation) => annotation.title === 'More findings')).toBe(false);
  });
});
