/**
 * Links the fittings' pipe program as soon as the lines' one is made, instead of when the first
 * fittings tile is drawn.
 *
 * Why: a tile's content is a Cesium Model, which builds its program from the glTF (ShaderBuilder,
 * ModelRuntimePrimitive's pipeline stages) and links it at its first draw, asking for the link
 * status at once; that query waits behind every frame already queued for the GPU process. Every
 * line tile of every layer shares one program, and every fittings tile another: lines carry their
 * feature ids in an instance attribute (`_FEATURE_ID_0`, label `link`), fittings have implicit ids
 * (label `fitting`; src/core/tiles/instancedPipes.ts). The large city's opening view has no
 * fittings tile (fittings sit in the deeper tiles), so the first one came in the fly-through's
 * first leg and its link waited 234–368 ms there (src/core/tiles/README.md, "Linking the pipe
 * programs ahead of need").
 *
 * How: the two programs differ only where Cesium names the feature ids, so the fittings' one is
 * the lines' one with those names changed, the way Cesium 1.140 writes them (FeatureIdPipelineStage,
 * SelectedFeatureIdPipelineStage): the label (`SELECTED_FEATURE_ID`, the FeatureIds struct's
 * field), and the instance attribute `a_instanceFeatureId_0`, which for implicit ids is
 * `a_implicit_instanceFeatureId_0`, declared after the mesh's own attributes and given the last
 * location (the instancing stage runs before the geometry stage; the feature-id stage after).
 * It patches ShaderProgram.fromCache (a Cesium internal, typed in cesiumInternals.d.ts) once per
 * page; the program it makes sits in Cesium's shader cache under the key the fittings tile's model
 * asks for, and the log-depth program the scene draws for it is linked (as globeShaderLinks.ts
 * does for the globe) at the start of the next frame (scene.preUpdate), not where the lines'
 * program was made: that is now between frames (tileWorkBudget.ts), where the link waited longer. The tiles e2e fails if a pipe program is linked while the camera goes down
 * to the fittings again, e.g. after a Cesium upgrade that names them differently.
 */
import {
  DrawCommand, Pass, RenderState, ShaderProgram, ShaderSource, type CesiumShaderProgram, type Scene, type ShaderProgramOptions,
} from 'cesium';
import { FITTING_CLASS, LINK_CLASS } from '../core/tiles/metadata';
import { drawnFor } from './globeShaderLinks';

/** The performance.measure name of each linking of the fittings' programs. */
export const PIPE_LINKED_AHEAD_MEASURE = 'undergrid:pipe-programs-linked-ahead';

const EXPLICIT = 'a_instanceFeatureId_0';
const IMPLICIT = 'a_implicit_instanceFeatureId_0';

let installed: { scene: Scene; done: Set<string>; seen: WeakSet<CesiumShaderProgram> } | null = null;

/** Starts linking the fittings' program ahead of need for this scene (the page's one viewer). */
export function linkPipeShadersAhead(scene: Scene): void {
  const first = installed === null;
  installed = { scene, done: new Set(), seen: new WeakSet() };
  if (!first) return;
  const original = ShaderProgram.fromCache.bind(ShaderProgram);
  ShaderProgram.fromCache = (options: ShaderProgramOptions) => {
    const program = original(options);
    const at = installed;
    // Every tile's model asks the cache for its program as it loads: a program already looked at is
    // passed straight through, so the sources are renamed and keyed once per program, not per tile.
    if (!at || at.scene.isDestroyed() || at.seen.has(program)) return program;
    at.seen.add(program);
    const fittings = fittingsOptions(options);
    if (!fittings) return program;
    const key = fittings.vertexShaderSource.getCacheKey() + fittings.fragmentShaderSource.getCacheKey();
    if (at.done.has(key)) return program;
    at.done.add(key);
    // Made (and cached under the fittings tiles' key) now, linked at the start of the next frame:
    // tiles are built between frames (tileWorkBudget.ts), where the link status query waited behind
    // the frame the GPU process was still drawing (125–1872 ms at load against 45–136 ms in a frame, gpu10).
    const made = original(fittings);
    const scene = at.scene;
    const off = scene.preUpdate.addEventListener(() => {
      off();
      if (scene.isDestroyed()) return;
      const start = performance.now();
      const drawn = drawnFor(scene, new DrawCommand({ shaderProgram: made, renderState: RenderState.fromCache(), uniformMap: {}, pass: Pass.CESIUM_3D_TILE }));
      for (const p of drawn) void p.numberOfVertexAttributes; // links it now (ShaderProgram's initialize)
      performance.measure(PIPE_LINKED_AHEAD_MEASURE, { start, detail: { programs: drawn.length } });
    });
    return program;
  };
}

/**
 * The options of the fittings' program, from those of a lines' program (feature ids of the `link`
 * label in an instance attribute); null for any other program.
 */
export function fittingsOptions(options: ShaderProgramOptions): (ShaderProgramOptions & { vertexShaderSource: ShaderSource; fragmentShaderSource: ShaderSource }) | null {
  const { vertexShaderSource: vs, fragmentShaderSource: fs, attributeLocations } = options;
  const label = `SELECTED_FEATURE_ID ${LINK_CLASS}`;
  if (!(vs instanceof ShaderSource) || !(fs instanceof ShaderSource) || !attributeLocations) return null;
  if (!vs.defines.includes(label) || attributeLocations[EXPLICIT] === undefined) return null;
  const rename = (text: string) => text
    .replace(/\b([av])_instanceFeatureId_0\b/g, '$1_implicit_instanceFeatureId_0')
    .replace(new RegExp(`\\bint ${LINK_CLASS};`, 'g'), `int ${FITTING_CLASS};`)
    .replace(new RegExp(`\\bfeatureIds\\.${LINK_CLASS}\\b`, 'g'), `featureIds.${FITTING_CLASS}`);
  const defines = (d: string[]) => d.map((x) => (x === label ? `SELECTED_FEATURE_ID ${FITTING_CLASS}` : x));
  // The attribute moves to the end of the declarations, with the last location.
  const declaration = `in float ${EXPLICIT};\n`;
  const moveAttribute = (text: string) => {
    if (!text.includes(declaration)) return text;
    const without = text.replace(declaration, '');
    const attributes = [...without.matchAll(/^in \w+ a_\w+;$/gm)];
    const last = attributes[attributes.length - 1];
    if (!last) return text;
    const at = last.index + last[0].length;
    return `${without.slice(0, at)}\nin float ${EXPLICIT};${without.slice(at)}`;
  };
  const removed = attributeLocations[EXPLICIT];
  const locations: Record<string, number> = {};
  for (const [name, location] of Object.entries(attributeLocations)) {
    if (name !== EXPLICIT) locations[name] = location > removed ? location - 1 : location;
  }
  locations[IMPLICIT] = Math.max(...Object.values(locations)) + 1;
  const source = (s: ShaderSource, vertex: boolean) => new ShaderSource({
    defines: defines(s.defines),
    sources: s.sources.map((t) => rename(vertex ? moveAttribute(t) : t)),
    pickColorQualifier: s.pickColorQualifier,
    includeBuiltIns: s.includeBuiltIns,
  });
  return { ...options, vertexShaderSource: source(vs, true), fragmentShaderSource: source(fs, false), attributeLocations: locations };
}
