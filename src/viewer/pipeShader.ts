/**
 * The CustomShader every pipe tileset shares (GLSL in shaders/pipes.*.glsl): minimum pixel width,
 * depth cue, screened-line highlight. Its uniforms follow the camera each frame (the ground point
 * under the camera, in eye coordinates), so the depth cue is exact near the camera.
 */
import {
  Cartesian3, Color, CustomShader, CustomShaderTranslucencyMode, Ellipsoid, LightingModel, Matrix4, UniformType, type Scene,
} from 'cesium';
import fragmentShaderText from '../../shaders/pipes.fragment.glsl?raw';
import vertexShaderText from '../../shaders/pipes.vertex.glsl?raw';
import type { Rgb } from '../core/colours';
import { DISPLAY } from './tileStyle';
import { VERDICT_COLOURS, type Verdict } from './digOverlay';

function verdictKey(v: Verdict): Cartesian3 {
  const c = Color.fromCssColorString(VERDICT_COLOURS[v]);
  return new Cartesian3(c.red, c.green, c.blue);
}

export function verdictRgb(v: Verdict): Rgb {
  const c = Color.fromCssColorString(VERDICT_COLOURS[v]);
  return [Math.round(c.red * 255), Math.round(c.green * 255), Math.round(c.blue * 255)];
}

export interface PipeShader {
  shader: CustomShader;
  setDepthCue(on: boolean): void;
  destroy(): void;
}

export function createPipeShader(scene: Scene): PipeShader {
  const shader = new CustomShader({
    lightingModel: LightingModel.UNLIT,
    translucencyMode: CustomShaderTranslucencyMode.INHERIT,
    uniforms: {
      u_minPixels: { type: UniformType.FLOAT, value: DISPLAY.minimumPipePixels },
      u_groundEC: { type: UniformType.VEC3, value: new Cartesian3() },
      u_upEC: { type: UniformType.VEC3, value: new Cartesian3(0, 0, 1) },
      u_earthRadius: { type: UniformType.FLOAT, value: Ellipsoid.WGS84.maximumRadius },
      u_fullDepth: { type: UniformType.FLOAT, value: DISPLAY.depthCueFullDepth },
      u_strength: { type: UniformType.FLOAT, value: DISPLAY.depthCueStrength },
      u_strike: { type: UniformType.VEC3, value: verdictKey('STRIKE') },
      u_encroach: { type: UniformType.VEC3, value: verdictKey('ENCROACH') },
      u_near: { type: UniformType.VEC3, value: verdictKey('NEAR') },
    },
    vertexShaderText,
    fragmentShaderText,
  });
  const ellipsoid = scene.globe.ellipsoid;
  const ground = new Cartesian3();
  const up = new Cartesian3();
  const groundEC = new Cartesian3();
  const upEC = new Cartesian3();
  const follow = () => {
    const camera = scene.camera;
    if (!ellipsoid.scaleToGeodeticSurface(camera.positionWC, ground)) return;
    ellipsoid.geodeticSurfaceNormal(ground, up);
    const view = camera.viewMatrix;
    shader.setUniform('u_groundEC', Matrix4.multiplyByPoint(view, ground, groundEC));
    shader.setUniform('u_upEC', Cartesian3.normalize(Matrix4.multiplyByPointAsVector(view, up, upEC), upEC));
    shader.setUniform('u_earthRadius', Cartesian3.magnitude(ground));
  };
  const remove = scene.preRender.addEventListener(follow);
  return {
    shader,
    setDepthCue(on) {
      shader.setUniform('u_strength', on ? DISPLAY.depthCueStrength : 0);
      scene.requestRender();
    },
    destroy() {
      remove();
    },
  };
}
