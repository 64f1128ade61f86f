/**
 * EPANET .inp import for burst response: the network's topology and sizes, converted to metres.
 * Reads [JUNCTIONS], [RESERVOIRS], [TANKS], [PIPES], [PUMPS], [VALVES], [COORDINATES], [VERTICES],
 * [STATUS] (which valves start closed) and the `Units` line of [OPTIONS] (US or SI units);
 * every other EPANET section is skipped by name (IGNORED_SECTIONS); an unknown section is skipped
 * with a warning. Comments (';'), blank lines and double-quoted ids follow EPANET 2.2's rules.
 * Any malformed line refuses the file (NetworkFileError), naming section and line.
 *
 * Field layout and units: EPANET 2.2 manual, appendix C ("Input File Format") and table "Units of
 * measurement": with US flow units (CFS, GPM, MGD, IMGD, AFD) lengths and elevations are in feet
 * and pipe diameters in inches; with SI flow units in metres and millimetres.
 */
import { FileIssues, inpFields } from './networkFileError';

export const READ_SECTIONS = ['JUNCTIONS', 'RESERVOIRS', 'TANKS', 'PIPES', 'PUMPS', 'VALVES', 'COORDINATES', 'VERTICES', 'STATUS', 'OPTIONS'] as const;
/** EPANET sections with nothing for the burst graph (hydraulics, quality, controls, drawing). */
export const IGNORED_SECTIONS = [
  'TITLE', 'TAGS', 'DEMANDS', 'PATTERNS', 'CURVES', 'CONTROLS', 'RULES', 'ENERGY', 'EMITTERS', 'QUALITY', 'SOURCES',
  'REACTIONS', 'MIXING', 'TIMES', 'REPORT', 'LABELS', 'BACKDROP', 'LEAKAGE', 'END',
] as const;

const US_FLOW_UNITS = ['CFS', 'GPM', 'MGD', 'IMGD', 'AFD'];
const SI_FLOW_UNITS = ['LPS', 'LPM', 'MLD', 'CMH', 'CMD', 'CMS'];
const FOOT_M = 0.3048;
const INCH_M = 0.0254;
/** Minimum fields this importer needs, and what they are (for the error message). */
const REQUIRED: Record<string, [number, string]> = {
  JUNCTIONS: [2, 'ID Elevation'], RESERVOIRS: [2, 'ID Head'], TANKS: [2, 'ID Elevation'],
  PIPES: [5, 'ID Node1 Node2 Length Diameter'], PUMPS: [3, 'ID Node1 Node2'], VALVES: [5, 'ID Node1 Node2 Diameter Type'],
  COORDINATES: [3, 'Node X Y'], VERTICES: [3, 'Link X Y'], STATUS: [2, 'Link Status'],
};
const NODE_SECTIONS = ['JUNCTIONS', 'RESERVOIRS', 'TANKS'];
const LINK_SECTIONS = ['PIPES', 'PUMPS', 'VALVES'];
const VALVE_TYPES = ['PRV', 'PSV', 'PBV', 'FCV', 'TCV', 'GPV', 'PCV'];

export interface EpanetNode { id: string; kind: 'junction' | 'reservoir' | 'tank'; /** m */ elevation: number; line: number }
export interface EpanetLink {
  id: string;
  kind: 'pipe' | 'pump' | 'valve';
  node1: string;
  node2: string;
  /** m; 0 for pumps and valves. */
  length: number;
  /** m; NaN for pumps. */
  diameter: number;
  /** Valve type (PRV, TCV, ...) for valves, else null. */
  valveType: string | null;
  /** Initial status from [PIPES] or [STATUS]: 'OPEN', 'CLOSED', 'CV' or a setting; null when not given. */
  status: string | null;
  line: number;
}

export interface EpanetNetwork {
  units: { flow: string; system: 'US' | 'SI' };
  nodes: EpanetNode[];
  links: EpanetLink[];
  /** Node id → position in the file's coordinates. */
  coordinates: Map<string, { x: number; y: number }>;
  /** Link id → interior vertices in the file's coordinates. */
  vertices: Map<string, { x: number; y: number }[]>;
  /** Sections present but not read, by name. */
  ignoredSections: string[];
  /** Recoverable oddities (unknown sections), with their lines. */
  warnings: { section: string | null; line: number; message: string }[];
}

export interface EpanetParseOptions {
  maxIssues?: number;
}

interface RawLink { id: string; kind: EpanetLink['kind']; node1: string; node2: string; length: number; diameter: number; valveType: string | null; status: string | null; line: number }

export function parseEpanetInp(text: string, options: EpanetParseOptions = {}): EpanetNetwork {
  const issues = new FileIssues(options.maxIssues ?? 50);
  const warnings: EpanetNetwork['warnings'] = [];
  const ignored = new Set<string>();
  const nodes: EpanetNode[] = [];
  const rawLinks: RawLink[] = [];
  const coordinateRows: { id: string; x: number; y: number; line: number }[] = [];
  const vertexRows: { id: string; x: number; y: number; line: number }[] = [];
  const statusRows: { id: string; status: string; line: number }[] = [];
  let units: { value: string; line: number } = { value: 'GPM', line: 0 };
  const malformedNodes = new Set<string>();
  const malformedLinks = new Set<string>();

  let section: string | null = null;
  let skipping = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!;
    const header = /^\s*\[([^\]]*)\]/.exec(raw);
    if (header) {
      section = header[1]!.trim().toUpperCase();
      skipping = !(READ_SECTIONS as readonly string[]).includes(section);
      if (skipping) {
        ignored.add(section);
        if (!(IGNORED_SECTIONS as readonly string[]).includes(section)) warnings.push({ section, line: lineNo, message: 'unknown section: skipped' });
      }
      continue;
    }
    const f = inpFields(raw);
    if (f.length === 0 || skipping) continue;
    if (section === null) { issues.add(null, lineNo, 'data before the first [SECTION] header'); continue; }
    const problem = (message: string) => issues.add(section, lineNo, message);
    if (section === 'OPTIONS') {
      if (f[0]!.toUpperCase() === 'UNITS') {
        if (f.length < 2) problem('Units needs a value');
        else units = { value: f[1]!.toUpperCase(), line: lineNo };
      }
      continue;
    }
    const [need, what] = REQUIRED[section]!;
    if (f.length < need) {
      problem(`expected at least ${need} fields (${what}); got ${f.length}`);
      // Its id still counts as defined, so that lines naming it raise no second error.
      if (NODE_SECTIONS.includes(section)) malformedNodes.add(f[0]!);
      if (LINK_SECTIONS.includes(section)) malformedLinks.add(f[0]!);
      continue;
    }
    const num = (k: number, name: string, positive = false): number => {
      const v = Number(f[k]);
      if (!Number.isFinite(v) || (positive && v <= 0)) { problem(`${name} must be a ${positive ? 'positive ' : ''}number; got "${f[k]}"`); return NaN; }
      return v;
    };
    const id = f[0]!;
    switch (section) {
      case 'JUNCTIONS': nodes.push({ id, kind: 'junction', elevation: num(1, 'Elevation'), line: lineNo }); break;
      case 'RESERVOIRS': nodes.push({ id, kind: 'reservoir', elevation: num(1, 'Head'), line: lineNo }); break;
      case 'TANKS': nodes.push({ id, kind: 'tank', elevation: num(1, 'Elevation'), line: lineNo }); break;
      case 'PIPES': {
        if (f[1] === f[2]) problem(`pipe "${id}" starts and ends at node "${f[1]}"`);
        const status = f.slice(6).map((s) => s.toUpperCase()).find((s) => s === 'OPEN' || s === 'CLOSED' || s === 'CV') ?? null;
        rawLinks.push({ id, kind: 'pipe', node1: f[1]!, node2: f[2]!, length: num(3, 'Length', true), diameter: num(4, 'Diameter', true), valveType: null, status, line: lineNo });
        break;
      }
      case 'PUMPS': rawLinks.push({ id, kind: 'pump', node1: f[1]!, node2: f[2]!, length: 0, diameter: NaN, valveType: null, status: null, line: lineNo }); break;
      case 'VALVES': {
        const type = f[4]!.toUpperCase();
        if (!VALVE_TYPES.includes(type)) problem(`valve type must be one of ${VALVE_TYPES.join(', ')}; got "${f[4]}"`);
        rawLinks.push({ id, kind: 'valve', node1: f[1]!, node2: f[2]!, length: 0, diameter: num(3, 'Diameter', true), valveType: type, status: null, line: lineNo });
        break;
      }
      case 'COORDINATES': coordinateRows.push({ id, x: num(1, 'X'), y: num(2, 'Y'), line: lineNo }); break;
      case 'VERTICES': vertexRows.push({ id, x: num(1, 'X'), y: num(2, 'Y'), line: lineNo }); break;
      case 'STATUS': statusRows.push({ id, status: f[1]!.toUpperCase(), line: lineNo }); break;
    }
  }

  const system = US_FLOW_UNITS.includes(units.value) ? 'US' : SI_FLOW_UNITS.includes(units.value) ? 'SI' : null;
  if (system === null) issues.add('OPTIONS', units.line, `Units must be one of ${[...US_FLOW_UNITS, ...SI_FLOW_UNITS].join(', ')}; got "${units.value}"`);
  const lengthM = system === 'SI' ? 1 : FOOT_M;
  const diameterM = system === 'SI' ? 0.001 : INCH_M;

  const nodeSection = { junction: 'JUNCTIONS', reservoir: 'RESERVOIRS', tank: 'TANKS' } as const;
  const nodeIds = new Set<string>();
  for (const n of nodes) {
    if (nodeIds.has(n.id)) issues.add(nodeSection[n.kind], n.line, `node id "${n.id}" is defined twice`);
    nodeIds.add(n.id);
    n.elevation *= lengthM;
  }
  const linkSection = { pipe: 'PIPES', pump: 'PUMPS', valve: 'VALVES' } as const;
  const linkById = new Map<string, EpanetLink>();
  const links: EpanetLink[] = [];
  for (const r of rawLinks) {
    const where = linkSection[r.kind];
    if (linkById.has(r.id)) issues.add(where, r.line, `link id "${r.id}" is defined twice`);
    for (const end of [r.node1, r.node2]) {
      if (!nodeIds.has(end) && !malformedNodes.has(end)) issues.add(where, r.line, `node "${end}" is not defined in [JUNCTIONS], [RESERVOIRS] or [TANKS]`);
    }
    const link: EpanetLink = { ...r, length: r.length * lengthM, diameter: r.diameter * diameterM };
    links.push(link);
    if (!linkById.has(r.id)) linkById.set(r.id, link);
  }
  for (const s of statusRows) {
    const link = linkById.get(s.id);
    if (!link) { if (!malformedLinks.has(s.id)) issues.add('STATUS', s.line, `link "${s.id}" is not defined`); }
    else link.status = s.status;
  }
  const coordinates = new Map<string, { x: number; y: number }>();
  for (const c of coordinateRows) {
    if (!nodeIds.has(c.id)) { if (!malformedNodes.has(c.id)) issues.add('COORDINATES', c.line, `node "${c.id}" is not defined`); }
    else coordinates.set(c.id, { x: c.x, y: c.y });
  }
  const vertices = new Map<string, { x: number; y: number }[]>();
  for (const v of vertexRows) {
    if (!linkById.has(v.id)) {
      if (!malformedLinks.has(v.id)) issues.add('VERTICES', v.line, `link "${v.id}" is not defined`);
      continue;
    }
    const list = vertices.get(v.id);
    if (list) list.push({ x: v.x, y: v.y }); else vertices.set(v.id, [{ x: v.x, y: v.y }]);
  }
  issues.throwIfAny('EPANET file');
  return { units: { flow: units.value, system: system! }, nodes, links, coordinates, vertices, ignoredSections: [...ignored], warnings };
}
