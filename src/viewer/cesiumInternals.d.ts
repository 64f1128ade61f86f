/**
 * The few CesiumJS 1.140 internals that globeShaderLinks.ts, pipeShaderLinks.ts, tileLoadCost.ts and tileWorkBudget.ts use (and their tests). The `cesium` package exports them
 * at run time (Source/Cesium.js re-exports all of @cesium/engine) but its typings list only the
 * public API. Typed here as narrowly as we use them; a Cesium upgrade must re-check each
 * (node_modules/@cesium/engine/Source/Scene/GlobeSurfaceShaderSet.js, GlobeTranslucencyState.js,
 * Renderer/ShaderProgram.js, Renderer/ShaderSource.js, Renderer/ShaderCache.js, Renderer/ContextLimits.js, Shaders/GlobeVS.js, Shaders/GlobeFS.js, Scene/MetadataClassProperty.js, Renderer/DrawCommand.js, Core/TerrainEncoding.js, Scene/Cesium3DTile.js).
 */
import 'cesium';

declare module 'cesium' {
  /** A linked or not-yet-linked WebGL program; reading numberOfVertexAttributes links it. */
  export interface CesiumShaderProgram {
    readonly id: number;
    readonly numberOfVertexAttributes: number;
    /** Its entry in the context's ShaderCache (keyword = the cache key, i.e. its sources). */
    readonly _cachedShader: { keyword: string };
  }
  /** Renderer/ShaderCache.js: programs by key (tileLoadCost.ts). */
  export class ShaderCache {
    constructor(context: unknown);
    _shaders: Record<string, { shaderProgram: CesiumShaderProgram } | undefined>;
    getShaderProgram(options: Omit<ShaderProgramOptions, 'context'>): CesiumShaderProgram;
    getDerivedShaderProgram(program: CesiumShaderProgram, keyword: string): CesiumShaderProgram | undefined;
  }
  /** Renderer/ContextLimits.js, set by a WebGL context (tests/core/viewer.globeShaderLinks.test.ts sets the line widths RenderState checks). */
  export const ContextLimits: { _minimumAliasedLineWidth: number; _maximumAliasedLineWidth: number };
  /** Shaders/GlobeVS.js, GlobeFS.js: the globe surface shaders' sources (the same test). */
  export const _shadersGlobeVS: string;
  export const _shadersGlobeFS: string;
  /** One instance attribute of a glTF node (Scene/ModelComponents.js Attribute), as the loader leaves it. */
  export interface CesiumInstanceAttribute {
    semantic: string;
    count: number;
    normalized: boolean;
    componentDatatype: number;
    type: string;
    /** Kept by the loader for the attributes Cesium turns into matrices on the CPU; unloaded after. */
    typedArray: Float32Array | Int8Array | Int16Array | Uint8Array | Uint16Array | undefined;
  }
  /** What InstancingPipelineStage.process reads and writes (Scene/Model/InstancingPipelineStage.js). */
  export interface InstancingRenderResources {
    model: { _modelResources: unknown[] };
    runtimeNode: {
      instancingTransformsBuffer: unknown;
      instancingTranslationMin: Cartesian3 | undefined;
      instancingTranslationMax: Cartesian3 | undefined;
    };
  }
  export const InstancingPipelineStage: {
    process(renderResources: InstancingRenderResources, node: { instances: { attributes: CesiumInstanceAttribute[] } }, frameState: CesiumFrameState & { scene3DOnly: boolean }): void;
  };
  /** Renderer/Buffer.js. */
  export const Buffer: { createVertexBuffer(options: { context: unknown; typedArray: Float32Array; usage: number }): { vertexArrayDestroyable: boolean } };
  export const BufferUsage: { readonly STATIC_DRAW: number };
  /** Core/AttributeCompression.js. */
  export const AttributeCompression: {
    dequantize(typedArray: NonNullable<CesiumInstanceAttribute['typedArray']>, componentDatatype: number, type: string, count: number): Float32Array;
  };
  /** Scene/MetadataClassProperty.js: whether a property can be packed for the GPU (tileLoadCost.ts). */
  interface MetadataClassProperty {
    isGpuCompatible(channels: number): boolean;
  }
  /** What GlobeSurfaceTileProvider passes per tile; we copy it and change the fields named. */
  export interface GlobeSurfaceShaderOptions {
    frameState: CesiumFrameState;
    surfaceTile: { renderedMesh: { encoding: { quantization: number; getAttributeLocations(): Record<string, number> } } };
    numberOfDayTextures: number;
    showUndergroundColor: boolean;
    translucent: boolean;
    [option: string]: unknown;
  }
  export interface CesiumFrameState {
    mode: SceneMode;
    context: unknown;
    frameNumber: number;
  }
  /** Scene/GlobeSurfaceShaderSet.js: one program per (day textures, flags) key, made on first ask. */
  export class GlobeSurfaceShaderSet {
    getShaderProgram(options: GlobeSurfaceShaderOptions): CesiumShaderProgram;
  }
  /** The slice of a Scene that GlobeTranslucencyState.update reads. */
  export interface TranslucencySceneLike {
    globe: {
      show: boolean;
      baseColor: Color;
      depthTestAgainstTerrain: boolean;
      translucency: {
        enabled: boolean; frontFaceAlpha: number; frontFaceAlphaByDistance: NearFarScalar | undefined;
        backFaceAlpha: number; backFaceAlphaByDistance: NearFarScalar | undefined; rectangle: Rectangle;
      };
    };
    cameraUnderground: boolean;
    mode: SceneMode;
    context: unknown;
  }
  /** Scene/GlobeTranslucencyState.js: which derived globe commands (and programs) a frame draws. */
  export class GlobeTranslucencyState {
    update(scene: TranslucencySceneLike): void;
    updateDerivedCommands(command: DrawCommand, frameState: CesiumFrameState): void;
    /** Pushes the command's derived faces for this state into frameState.commandList (what a frame draws). */
    pushDerivedCommands(command: DrawCommand, isBlendCommand: boolean, frameState: { passes: { pick: boolean }; commandList: DrawCommand[] }): void;
  }
  export class DrawCommand {
    constructor(options: { shaderProgram: CesiumShaderProgram; renderState: RenderState; uniformMap: object; pass: number });
    shaderProgram: CesiumShaderProgram;
    pass: number;
    pickOnly: boolean;
    dirty: boolean;
    /** Filled by GlobeTranslucencyState (globeTranslucency) and Scene.updateDerivedCommands (the rest). */
    derivedCommands: {
      globeTranslucency?: Record<string, unknown>;
      logDepth?: { command: DrawCommand };
      oit?: { translucentCommand?: DrawCommand; alphaCommand?: DrawCommand };
    };
  }
  export class RenderState {
    static fromCache(renderState?: object): RenderState;
  }
  export class TerrainEncoding {
    quantization: number;
    getAttributeLocations(): Record<string, number>;
  }
  export interface Scene {
    /** Makes the derived commands (log depth, order-independent translucency, ...) the scene draws for a command. */
    updateDerivedCommands(command: DrawCommand): void;
  }
  /** Renderer/Pass.js. */
  export const Pass: { readonly GLOBE: number; readonly CESIUM_3D_TILE: number; readonly TRANSLUCENT: number };
  /** Renderer/ShaderSource.js: defines and sources; the shader cache keys a program by getCacheKey(). */
  export class ShaderSource {
    constructor(options: { defines?: string[]; sources?: string[]; pickColorQualifier?: string; includeBuiltIns?: boolean });
    defines: string[];
    sources: string[];
    pickColorQualifier: string | undefined;
    includeBuiltIns: boolean;
    getCacheKey(): string;
  }
  /** What ShaderProgram.fromCache takes (ShaderBuilder.buildShaderProgram passes ShaderSources). */
  export interface ShaderProgramOptions {
    context: unknown;
    vertexShaderSource: ShaderSource | string;
    fragmentShaderSource: ShaderSource | string;
    attributeLocations?: Record<string, number>;
  }
  /** Renderer/ShaderProgram.js: fromCache gets or makes the program in the context's shader cache (not linked yet). */
  export class ShaderProgram {
    static fromCache(options: ShaderProgramOptions): CesiumShaderProgram;
  }
  /** Scene/Cesium3DTile.js: Cesium3DTileset's processTiles calls process for each tile of its processing queue at every tick (tileWorkBudget.ts). */
  export interface Cesium3DTile {
    process(tileset: Cesium3DTileset, frameState: unknown): void;
  }
  /** Core/TerrainQuantization.js. */
  export const TerrainQuantization: { readonly NONE: number; readonly BITS12: number };
}
