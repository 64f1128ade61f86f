/**
 * The globe programs made ahead for the underground mode (src/viewer/globeShaderLinks.ts
 * translucentDrawn), against what CesiumJS 1.140's own code makes when the ground is crossed:
 * GlobeTranslucencyState derives a translucent globe command's faces and pushes them into the
 * frame's command list (pushDerivedCommands), and Scene.updateDerivedCommands derives the log-depth
 * and depth commands of each pushed one, as View's insertIntoBin does. Run on a real ShaderCache
 * (programs are made, never compiled: no WebGL here) with Cesium's own globe shaders: after
 * translucentDrawn, a frame above ground and a frame below ground in the underground look make no
 * program, and every program such a frame draws was returned to be linked. A Cesium upgrade that
 * pushes another face, derives other commands or keys its programs otherwise fails here; so does
 * translucentDrawn without the depth-only faces' derivatives (3 programs made in each frame: the
 * session-10 rule, which left them to the crossing).
 */
import {
  Color, ContextLimits, DrawCommand, GlobeTranslucencyState, NearFarScalar, Pass, Rectangle, RenderState, Scene, SceneMode, ShaderCache,
  ShaderSource, _shadersGlobeFS, _shadersGlobeVS, type CesiumShaderProgram,
} from 'cesium';
import { beforeAll, describe, expect, it } from 'vitest';
import { translucentDrawn, type TranslucentScene, type UndergroundGlobeLook } from '../../src/viewer/globeShaderLinks';

/** The viewer's underground look (cityViewer.ts UNDERGROUND_LOOK): the ground see-through from both sides, no depth test against it. */
const UNDERGROUND_LOOK: UndergroundGlobeLook = { frontFaceAlpha: 0.35, depthTestAgainstTerrain: false };

/** What ShaderSource and GlobeTranslucencyState read of a WebGL 2 context with depth textures. */
function fakeContext() {
  const context = { webgl2: true, depthTexture: true, textureFloatLinear: true, floatingPointTexture: true, _gl: {}, shaderCache: undefined as unknown as ShaderCache };
  context.shaderCache = new ShaderCache(context);
  return context;
}

/** A scene whose updateDerivedCommands is Cesium's own, with a log depth buffer and no HDR, shadows or OIT, as the viewer's. */
function sceneOf(context: ReturnType<typeof fakeContext>): TranslucentScene {
  const scene = {
    _frameState: { useLogDepth: true, pickingMetadata: false, shadowState: { lastDirtyTime: 0, shadowsEnabled: false, lightShadowsEnabled: false, lightShadowMaps: [], shadowMaps: [] } },
    _context: context, _view: { oit: undefined }, _hdr: false, _depthOnlyRenderStateCache: {},
    globe: { baseColor: Color.BLACK, translucency: { frontFaceAlphaByDistance: new NearFarScalar(50, 0.35, 5000, 0.9), backFaceAlpha: 1, backFaceAlphaByDistance: undefined, rectangle: Rectangle.MAX_VALUE } },
    updateDerivedCommands(command: DrawCommand) { Scene.prototype.updateDerivedCommands.call(this as unknown as Scene, command); },
  };
  return scene as unknown as TranslucentScene;
}

/** A translucent globe surface program with the underground colour, made as GlobeSurfaceShaderSet makes one. */
function translucentProgram(context: ReturnType<typeof fakeContext>): CesiumShaderProgram {
  const defines = ['UNDERGROUND_COLOR', 'TRANSLUCENT', 'INCLUDE_WEB_MERCATOR_Y'];
  return context.shaderCache.getShaderProgram({
    vertexShaderSource: new ShaderSource({ defines: ['', ...defines], sources: [_shadersGlobeVS] }),
    fragmentShaderSource: new ShaderSource({ defines: ['TEXTURE_UNITS 1', '', '', ...defines], sources: [_shadersGlobeFS] }),
    attributeLocations: { position3DAndHeight: 0, textureCoordAndEncodedNormals: 1, geodeticSurfaceNormal: 2 },
  });
}

const keys = (context: ReturnType<typeof fakeContext>) => new Set(Object.keys(context.shaderCache._shaders));

/**
 * One frame of Cesium's for a tile's translucent command with the camera above or below ground in
 * the underground look: the faces GlobeTranslucencyState pushes, through the scene's derivation.
 * Returns the programs Cesium draws of them (all but the depth-only faces, as executeGlobeCommands and
 * the translucent passes run them; the depth-only ones run only under terrain classification).
 */
function cesiumFrame(scene: TranslucentScene, look: UndergroundGlobeLook, program: CesiumShaderProgram, cameraUnderground: boolean, context: ReturnType<typeof fakeContext>): CesiumShaderProgram[] {
  const frameState = { mode: SceneMode.SCENE3D, context, frameNumber: 1, passes: { pick: false }, commandList: [] as DrawCommand[] };
  const state = new GlobeTranslucencyState();
  state.update({
    globe: {
      show: true, baseColor: scene.globe.baseColor, depthTestAgainstTerrain: look.depthTestAgainstTerrain,
      translucency: { enabled: true, frontFaceAlpha: look.frontFaceAlpha, frontFaceAlphaByDistance: undefined, backFaceAlpha: 1, backFaceAlphaByDistance: undefined, rectangle: Rectangle.MAX_VALUE },
    },
    cameraUnderground, mode: SceneMode.SCENE3D, context,
  });
  const command = new DrawCommand({ shaderProgram: program, renderState: RenderState.fromCache(), uniformMap: {}, pass: Pass.GLOBE });
  state.updateDerivedCommands(command, frameState);
  state.pushDerivedCommands(command, false, frameState);
  expect(frameState.commandList.length).toBeGreaterThan(0);
  const faces = command.derivedCommands.globeTranslucency ?? {};
  const drawn: CesiumShaderProgram[] = [];
  for (const pushed of frameState.commandList) {
    expect(pushed).not.toBe(command); // the translucent command itself is never pushed
    scene.updateDerivedCommands(pushed); // View's insertIntoBin
    const name = Object.entries(faces).find(([, c]) => c === pushed)?.[0] ?? '';
    if (!name.startsWith('depthOnly')) drawn.push(pushed.derivedCommands.logDepth!.command.shaderProgram);
  }
  return drawn;
}

describe('globe programs made ahead for the underground mode (Cesium 1.140 GlobeTranslucencyState, Scene.updateDerivedCommands)', () => {
  // What a WebGL context would have set: RenderState checks a line width of 1 against them.
  beforeAll(() => Object.assign(ContextLimits, { _minimumAliasedLineWidth: 1, _maximumAliasedLineWidth: 1 }));

  it('crossing the ground, above and below, makes no program after translucentDrawn, and draws only programs it returned', () => {
    const context = fakeContext();
    const scene = sceneOf(context);
    const program = translucentProgram(context);
    const command = new DrawCommand({ shaderProgram: program, renderState: RenderState.fromCache(), uniformMap: {}, pass: Pass.GLOBE });
    const frameState = { mode: SceneMode.SCENE3D, context, frameNumber: 1 } as never;
    const linked = new Set(translucentDrawn(scene, UNDERGROUND_LOOK, command, frameState).map((p) => p._cachedShader.keyword));
    const made = keys(context);
    for (const cameraUnderground of [false, true]) {
      const drawn = cesiumFrame(scene, UNDERGROUND_LOOK, program, cameraUnderground, context);
      expect([...keys(context)].filter((k) => !made.has(k))).toEqual([]);
      for (const p of drawn) expect(linked.has(p._cachedShader.keyword)).toBe(true);
    }
  });
});
