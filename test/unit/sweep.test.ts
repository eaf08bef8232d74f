import { describe, expect, it } from 'vitest';
import {
  applyPoint,
  expandGrid,
  gridSize,
  pickCheapest,
  resolvePath,
  setAt,
  splitPath,
  type SweepAxis,
} from '../../src/engine/sweep.js';
import { parseSetFlag, planAxes, planSweep } from '../../src/app/sweep.js';
import { userErrorThrownBy } from '../helpers/errors.js';

const axis = (path: string, texts: string[]): SweepAxis => ({
  flag: `--set ${path}=${texts.join(',')}`,
  path,
  resolved: splitPath(path, 'x'),
  values: texts.map((text) => ({ text, value: text })),
});

const RAW = {
  traffic: {
    profile: {
      requests_per_day: 10,
      segments: [
        { name: 'chat', model: 'm' },
        { name: 'code', model: 'm' },
      ],
    },
  },
  strategies: [
    { use: 'route', default: { to: 'x' } },
    { use: 'prompt-cache', ttl: '5m' },
    { use: 'prompt-cache', label: 'second-cache', ttl: '1h' },
  ],
};
const anyKey = (): string[] => [];

describe('grid expansion', () => {
  it('is the cartesian product, first --set slowest', () => {
    const axes = [axis('a', ['1', '2']), axis('b', ['x', 'y', 'z'])];
    expect(gridSize(axes)).toBe(6); // 2 x 3
    const grid = expandGrid(axes).map((p) => p.assignments.map((a) => `${a.path}=${a.text}`).join(' '));
    expect(grid).toEqual(['a=1 b=x', 'a=1 b=y', 'a=1 b=z', 'a=2 b=x', 'a=2 b=y', 'a=2 b=z']);
    expect(expandGrid(axes).map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('three axes: 2 x 2 x 3 = 12 points, the last axis fastest', () => {
    const points = expandGrid([axis('a', ['1', '2']), axis('b', ['1', '2']), axis('c', ['1', '2', '3'])]);
    expect(points).toHaveLength(12);
    expect(points[4]!.assignments.map((a) => a.text)).toEqual(['1', '2', '2']); // index 4 = a0, b1 (4 div 3 = 1), c1 (4 mod 3)
  });

  it('one axis with one value is one point', () => {
    expect(expandGrid([axis('a', ['1'])]).map((p) => p.assignments.length)).toEqual([1]);
  });
});

describe('path addressing', () => {
  it('splits dots and [index]; a bare number is an index', () => {
    expect(splitPath('strategies[1].ttl', 'f')).toEqual(['strategies', 1, 'ttl']);
    expect(splitPath('strategies.1.ttl', 'f')).toEqual(['strategies', 1, 'ttl']);
    expect(splitPath('strategies.prompt-cache.ttl', 'f')).toEqual(['strategies', 'prompt-cache', 'ttl']);
    expect(userErrorThrownBy(() => splitPath('a..b', '--set a..b=1')).diagnostics[0]!.where).toBe('--set a..b=1');
  });

  it('resolves list items by index, label, use or name', () => {
    expect(resolvePath(RAW, ['strategies', 0, 'default', 'to'], 'f', anyKey)).toEqual([
      'strategies',
      0,
      'default',
      'to',
    ]);
    expect(resolvePath(RAW, ['strategies', 'route', 'default', 'to'], 'f', anyKey)).toEqual([
      'strategies',
      0,
      'default',
      'to',
    ]);
    expect(resolvePath(RAW, ['strategies', 'second-cache', 'ttl'], 'f', anyKey)).toEqual(['strategies', 2, 'ttl']);
    expect(resolvePath(RAW, ['traffic', 'profile', 'segments', 'code', 'model'], 'f', anyKey)).toEqual([
      'traffic',
      'profile',
      'segments',
      1,
      'model',
    ]);
  });

  it('refuses an ambiguous name, a wrong name (did you mean), an index out of range', () => {
    // the unlabelled prompt-cache is labelled 'prompt-cache' in the waterfall: that wins over the other's `use`
    expect(resolvePath(RAW, ['strategies', 'prompt-cache', 'ttl'], 'f', anyKey)).toEqual(['strategies', 1, 'ttl']);
    // two labelled caches: 'prompt-cache' is only their `use`, shared
    const two = {
      strategies: [
        { use: 'prompt-cache', label: 'a' },
        { use: 'prompt-cache', label: 'b' },
      ],
    };
    const amb = userErrorThrownBy(() =>
      resolvePath(two, ['strategies', 'prompt-cache', 'ttl'], '--set strategies.prompt-cache.ttl=1h', anyKey),
    ).diagnostics[0]!;
    expect(amb.message).toContain("'prompt-cache' names 2 items");
    expect(amb.where).toBe('--set strategies.prompt-cache.ttl=1h');
    const near = userErrorThrownBy(() => resolvePath(RAW, ['strategies', 'rute', 'default'], 'f', anyKey))
      .diagnostics[0]!;
    expect(near.hint).toContain("did you mean 'route'");
    expect(userErrorThrownBy(() => resolvePath(RAW, ['strategies', 3], 'f', anyKey)).diagnostics[0]!.message).toContain(
      'index 3 is out of range: strategies has 3 items',
    );
  });

  it('a missing key: did-you-mean against the schema keys; a known missing key may be created', () => {
    const known = (parent: (string | number)[]): string[] =>
      parent.join('.') === 'traffic.profile' ? ['requests_per_day', 'days', 'segments'] : [];
    const e = userErrorThrownBy(() => resolvePath(RAW, ['traffic', 'profile', 'requests_per_dya'], '--set x', known))
      .diagnostics[0]!;
    expect(e.message).toBe("unknown key 'requests_per_dya' in traffic.profile");
    expect(e.hint).toContain("did you mean 'requests_per_day'");
    expect(resolvePath(RAW, ['traffic', 'profile', 'days'], 'f', known)).toEqual(['traffic', 'profile', 'days']);
  });

  it('refuses to set a whole map or to go below a scalar', () => {
    expect(userErrorThrownBy(() => resolvePath(RAW, ['traffic', 'profile'], 'f', anyKey)).diagnostics[0]!.message).toBe(
      'traffic.profile is a map, not a single value',
    );
    expect(
      userErrorThrownBy(() => resolvePath(RAW, ['strategies', 1, 'ttl', 'x'], 'f', anyKey)).diagnostics[0]!.message,
    ).toContain('is a value ("5m")');
  });

  it('setAt copies: the original data is untouched; missing maps are created', () => {
    const out = setAt(RAW, ['strategies', 1, 'ttl'], '1h') as typeof RAW;
    expect(out.strategies[1]!.ttl).toBe('1h');
    expect(RAW.strategies[1]!.ttl).toBe('5m');
    expect(setAt({}, ['quality', 'floor'], 0.9)).toEqual({ quality: { floor: 0.9 } });
    const [p] = expandGrid([{ ...axis('x', ['1h']), resolved: ['strategies', 2, 'ttl'] }]);
    expect((applyPoint(RAW, p!) as typeof RAW).strategies[2]!.ttl).toBe('1h');
  });
});

describe('--set flags', () => {
  it('parses path=v1,v2 and values as YAML scalars', () => {
    expect(parseSetFlag('a.b=1, 2,x')).toEqual({ flag: '--set a.b=1, 2,x', path: 'a.b', texts: ['1', '2', 'x'] });
    const [ax] = planAxes(RAW, ['traffic.profile.requests_per_day=1000,10k,true']);
    expect(ax!.values.map((v) => v.value)).toEqual([1000, '10k', true]);
  });

  it('refuses no "=", an empty value, a repeated value, a list value, the same path twice', () => {
    for (const bad of ['nothing', '=1', 'a=1,,2', 'a=1,1'])
      expect(userErrorThrownBy(() => parseSetFlag(bad)).diagnostics[0]!.where).toBe(`--set ${bad}`);
    expect(userErrorThrownBy(() => planAxes(RAW, ['strategies[1].ttl=[1]'])).diagnostics[0]!.message).toContain(
      'is a YAML list',
    );
    const twice = userErrorThrownBy(() => planAxes(RAW, ['strategies[1].ttl=5m', 'strategies.1.ttl=1h']))
      .diagnostics[0]!;
    expect(twice.message).toContain('set the same value (strategies[1].ttl)');
  });

  it('refuses a grid over --max-runs before loading anything', () => {
    const text = 'name: t\nstrategies: []\n';
    const e = userErrorThrownBy(() => planSweep(text, 't.yaml', '.', ['name=a,b,c', 'seed=1,2,3'], 8)).diagnostics[0]!;
    expect(e.where).toBe('--max-runs');
    expect(e.message).toContain('9 configurations (3 x 3)'); // 3 x 3 = 9 > 8
  });
});

describe('cheapest configuration meeting the checks', () => {
  it('lowest final cost among passing runs; ties go to the earlier run; none -> null', () => {
    const runs = [
      { finalCost: 1, checksOk: false },
      { finalCost: 3, checksOk: true },
      { finalCost: 2, checksOk: true },
      { finalCost: 2, checksOk: true },
    ];
    expect(pickCheapest(runs)).toBe(2);
    expect(pickCheapest(runs.map((r) => ({ ...r, checksOk: false })))).toBeNull();
    expect(pickCheapest([])).toBeNull();
  });
});
