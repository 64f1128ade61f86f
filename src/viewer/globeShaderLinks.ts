/**
 * Links every globe surface program that crossing the ground needs, as soon as the first one of
 * its kind is made, instead of at the crossing.
 *
 * Why: Cesium makes a globe program the first time a tile asks for its key (day textures, terrain
 * quantization and per-frame flags, GlobeSurfaceShaderSet.js) and links it at its first draw, then
 * asks for its link status at once. That query is synchronous: it waits behind every frame already
 * queued for the GPU process. Going below ground flips two of the key's flags (the underground
 * colour, globe translucency) and brings globe translucency's derived programs (opaque, depth-only,
 * translucent and pick variants per face, GlobeTranslucencyState.js), so with the network drawn
 * the fly-through waited 34 s on 15 such links (src/core/tiles/README.md, "Where the main thread
 * waits in a fly-through"). Made and linked here right after a program of a new kind, the queue
 * has just been drained by that program's own link (or is short, at start), so each costs one
 * link's compile time; at the first globe frame the kinds for the other likely imagery counts
 * follow, one per task. The fly-through then links no globe program ("Crossing the ground without
 * a link wait" in the same README has the figures). Programs the scene makes at the crossing but
 * never draws (the depth-only faces' log-depth and depth derivatives) are made here too, not
 * linked, so the crossing's frames combine no shader source ("The ground crossing's frame").
 *
 * It patches GlobeSurfaceShaderSet.prototype.getShaderProgram (a Cesium internal, typed in
 * cesiumInternals.d.ts) once per page; the programs it makes sit in Cesium's own caches, where the
 * tiles and GlobeTranslucencyState find them by the same keys.
 */
import {
  DrawCommand, GlobeSurfaceShaderSet, GlobeTranslucencyState, Pass, RenderState, TerrainEncoding, TerrainQuantization,
  type CesiumFrameState, type CesiumShaderProgram, type GlobeSurfaceShaderOptions, type Scene,
} from 'cesium';
import { DISPLAY } from './tileStyle';

/** How the globe is set up while the viewer is in its underground mode (cityViewer.setUnderground). */
export interface UndergroundGlobeLook {
  frontFaceAlpha: number;
  depthTestAgainstTerrain: boolean;
}

/** The performance.measure name of each linking of a kind's programs. */
export const LINKED_AHEAD_MEASURE = 'undergrid:globe-programs-linked-ahead';

interface Installed {
  scene: Scene;
  look: UndergroundGlobeLook;
  /** Surface programs whose kind has been linked. */
  done: WeakSet<CesiumShaderProgram>;
  /** Until the first globe program: then the kinds of every likely imagery count follow. */
  firstKind: boolean;
}
let installed: Installed | null = null;

/** Starts linking the globe's variants ahead of need for this scene (the page's one viewer). */
export function linkGlobeShadersAhead(scene: Scene, look: UndergroundGlobeLook): void {
  const first = installed === null;
  installed = { scene, look, done: new WeakSet(), firstKind: true };
  if (!first) return;
  const proto = GlobeSurfaceShaderSet.prototype;
  const original = proto.getShaderProgram;
  proto.getShaderProgram = function (this: GlobeSurfaceShaderSet, options: GlobeSurfaceShaderOptions) {
    const program = original.call(this, options);
    const at = installed;
    if (!at || at.done.has(program)) return program;
    const make = (o: GlobeSurfaceShaderOptions) => original.call(this, o);
    // This kind now: the program's own first link drains the queue anyway, so its variants add
    // only their link time.
    linkKind(at, make, { ...options });
    if (at.firstKind) {
      // The other imagery counts' kinds, one per task while the queue is short (the first globe
      // frame comes long before the first pipes): no single task holds them all.
      at.firstKind = false;
      for (let n = 0; n <= DISPLAY.globeDayTexturesLinkedAhead; n++) {
        if (n === options.numberOfDayTextures) continue;
        const later = { ...options, numberOfDayTextures: n };
        setTimeout(() => { if (installed === at && !at.scene.isDestroyed()) linkKind(at, make, later); }, 0);
      }
    }
    return program;
  };
}

/** Links the drawn programs of one kind (one imagery count), timed for bench/flythrough.ts. */
function linkKind(at: Installed, make: (o: GlobeSurfaceShaderOptions) => CesiumShaderProgram, options: GlobeSurfaceShaderOptions): void {
  const start = performance.now();
  let programs = 0;
  for (const p of variantsOf(at, make, options)) {
    void p.numberOfVertexAttributes; // links it now (ShaderProgram's initialize)
    programs++;
  }
  performance.measure(LINKED_AHEAD_MEASURE, { start, detail: { programs, numberOfDayTextures: options.numberOfDayTextures } });
}

/** The stub tile Cesium's key needs: only its mesh's quantization and attribute locations are read. */
function tileWith(quantization: number): GlobeSurfaceShaderOptions['surfaceTile'] {
  const encoding = { quantization, getAttributeLocations: TerrainEncoding.prototype.getAttributeLocations };
  return { renderedMesh: { encoding } };
}

/**
 * The programs drawn for every globe program a tile of this kind can ask for, above or below
 * ground, with the ground opaque or translucent: both terrain quantizations × the (underground
 * colour, translucent) pairs Cesium can pick, each translucent one's derived commands, and what
 * the scene draws for each command (its logarithmic-depth and order-independent-translucency
 * derivatives). Each surface program made is marked done, so its kind is visited once.
 */
function variantsOf(
  at: Installed, make: (o: GlobeSurfaceShaderOptions) => CesiumShaderProgram, options: GlobeSurfaceShaderOptions,
): CesiumShaderProgram[] {
  // Cesium shows the underground colour whenever the underground can be seen (camera below ground
  // or the globe translucent) and the colour is not transparent (GlobeSurfaceTileProvider.js).
  const colour = at.scene.globe.undergroundColor;
  const pairs: [boolean, boolean][] = colour && colour.alpha > 0
    ? [[false, false], [true, false], [true, true]]
    : [[false, false], [false, true]];
  const out: CesiumShaderProgram[] = [];
  for (const quantization of [TerrainQuantization.NONE, TerrainQuantization.BITS12]) {
    for (const [showUndergroundColor, translucent] of pairs) {
      const p = make({ ...options, surfaceTile: tileWith(quantization), showUndergroundColor, translucent });
      at.done.add(p);
      const command = new DrawCommand({ shaderProgram: p, renderState: RenderState.fromCache(), uniformMap: {}, pass: Pass.GLOBE });
      // A translucent globe draws only its derived commands, never the command itself.
      out.push(...(translucent ? translucentDrawn(at.scene, at.look, command, options.frameState) : drawnFor(at.scene, command)));
    }
  }
  return out;
}

/** What translucentDrawn reads of the scene. */
export type TranslucentScene = Pick<Scene, 'updateDerivedCommands'> & { globe: Pick<Scene['globe'], 'baseColor' | 'translucency'> };

/**
 * Makes every program a frame of the underground mode makes for a translucent globe command, and
 * returns those it draws (to be linked). GlobeTranslucencyState derives the command's faces, with
 * the camera above and below ground (asked of a state of our own set up as the underground mode
 * sets the globe, so the programs land in the context's shader cache under Cesium's names), and
 * pushes them into the frame's command list, where the scene derives a log-depth and a depth
 * command for each (Scene.updateDerivedCommands, from View's insertIntoBin). Drawn, and so linked:
 * what the scene draws for each face but the depth-only ones, which Cesium draws only under terrain
 * classification (ground primitives; this viewer has none: a first one would link them at its first
 * draw). Those are made all the same: left to the crossing, their derivatives were 18 programs
 * combined in its two frames (src/core/tiles/README.md, "The ground crossing's frame"). The
 * pick-only faces are left to the first pick (it reads pixels back, so it waits for the GPU anyway).
 */
export function translucentDrawn(
  scene: TranslucentScene, look: UndergroundGlobeLook, command: DrawCommand, frameState: CesiumFrameState,
): CesiumShaderProgram[] {
  const t = scene.globe.translucency;
  const state = new GlobeTranslucencyState();
  const faces = new Map<DrawCommand, string>();
  for (const cameraUnderground of [false, true]) {
    state.update({
      globe: {
        show: true, baseColor: scene.globe.baseColor, depthTestAgainstTerrain: look.depthTestAgainstTerrain,
        translucency: {
          enabled: true, frontFaceAlpha: look.frontFaceAlpha, frontFaceAlphaByDistance: t.frontFaceAlphaByDistance,
          backFaceAlpha: t.backFaceAlpha, backFaceAlphaByDistance: t.backFaceAlphaByDistance, rectangle: t.rectangle,
        },
      },
      cameraUnderground, mode: frameState.mode, context: frameState.context,
    });
    command.dirty = true;
    state.updateDerivedCommands(command, frameState);
    for (const [name, derived] of Object.entries(command.derivedCommands.globeTranslucency ?? {})) {
      if (derived instanceof DrawCommand && !derived.pickOnly) faces.set(derived, name);
    }
  }
  const out: CesiumShaderProgram[] = [];
  for (const [face, name] of faces) {
    if (name.startsWith('depthOnly')) scene.updateDerivedCommands(face);
    else out.push(...drawnFor(scene, face));
  }
  return out;
}

/**
 * The programs the scene draws for a command: its logarithmic-depth derivative when the scene
 * uses a log depth buffer, and in the translucent pass that one's order-independent-translucency
 * derivatives (Scene.updateDerivedCommands, executeCommand). HDR is off in this viewer. Also used
 * for the pipes' programs (pipeShaderLinks.ts).
 */
export function drawnFor(scene: Pick<Scene, 'updateDerivedCommands'>, command: DrawCommand): CesiumShaderProgram[] {
  scene.updateDerivedCommands(command);
  const drawn = command.derivedCommands.logDepth?.command ?? command;
  const oit = drawn.derivedCommands.oit;
  const byOit = [oit?.translucentCommand, oit?.alphaCommand].flatMap((c) => (c ? [c.shaderProgram] : []));
  return byOit.length > 0 ? byOit : [drawn.shaderProgram];
}
