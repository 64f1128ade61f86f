/**
 * The CesiumJS city scene, offline: no ion, no Bing, no geocoder; NaturalEarthII imagery shipped in
 * the cesium package; ellipsoid terrain. Heights are drawn relative to ground (z − ground at each
 * vertex), so the ellipsoid surface IS ground level and every line sits at its true depth below it.
 */
import {
  buildModuleUrl, Cartesian3, Cartographic, Color, EllipsoidTerrainProvider, ImageryLayer, Math as CesiumMath,
  NearFarScalar, PolylineCollection, Material, Rectangle, TileMapServiceImageryProvider, Viewer,
} from 'cesium';
import { DISPLAY } from './tileStyle';
import { linkGlobeShadersAhead, type UndergroundGlobeLook } from './globeShaderLinks';

export interface CityViewer {
  viewer: Viewer;
  setUnderground(on: boolean): void;
  /** Camera height above (positive) or below (negative) ground level, m. */
  cameraHeightAboveGround(): number;
  flyToExtent(extent: [number, number, number, number], durationSeconds?: number): void;
  showGroundGrid(extent: [number, number, number, number]): void;
  destroy(): void;
}

/** Ground-level cue: a grid on the ground surface, every GROUND_GRID_SPACING_DEG (~100 m). */
const GROUND_GRID_SPACING_DEG = 0.001;
/**
 * The globe in the underground mode: translucent, occluding nothing but still seen as a surface.
 * Above ground it is opaque and occludes nothing either (lines just below the surface stay visible).
 */
const UNDERGROUND_LOOK: UndergroundGlobeLook = { frontFaceAlpha: 0.35, depthTestAgainstTerrain: false };

export function createCityViewer(container: HTMLElement): CityViewer {
  const viewer = new Viewer(container, {
    baseLayer: ImageryLayer.fromProviderAsync(
      TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII')),
    ),
    terrainProvider: new EllipsoidTerrainProvider(),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: false,
    sceneModePicker: false,
    navigationHelpButton: false,
    animation: false,
    timeline: false,
    fullscreenButton: false,
    infoBox: false,
    selectionIndicator: false,
    // No stars, sun or moon: at the page's start the six star images were decoded and uploaded
    // to a cube map in one main-thread task of ~0.2–0.4 s CPU (bench/loadTrace.ts), and the sky
    // is never what a person looks at here (the atmosphere is off too).
    skyBox: false,
    requestRenderMode: true,
    maximumRenderTimeChange: Infinity,
    // Every frame's cost grows with the samples per pixel; data/rules/display.json says why 1.
    msaaSamples: DISPLAY.msaaSamples,
    contextOptions: { webgl: { preserveDrawingBuffer: true } },
  });
  const scene = viewer.scene;
  scene.globe.baseColor = Color.fromCssColorString('#2b2f33');
  scene.globe.showGroundAtmosphere = false;
  if (scene.skyAtmosphere) scene.skyAtmosphere.show = false;
  scene.fog.enabled = false;
  // Lines just below the surface must not be hidden when looking from above in the normal view.
  scene.globe.depthTestAgainstTerrain = false;
  scene.globe.translucency.frontFaceAlphaByDistance = new NearFarScalar(50, UNDERGROUND_LOOK.frontFaceAlpha, 5000, 0.9);
  // Crossing the ground must not wait on new globe programs mid-flight (globeShaderLinks.ts).
  linkGlobeShadersAhead(scene, UNDERGROUND_LOOK);

  let grid: PolylineCollection | null = null;

  return {
    viewer,
    setUnderground(on) {
      scene.globe.translucency.enabled = on;
      scene.globe.translucency.frontFaceAlpha = on ? UNDERGROUND_LOOK.frontFaceAlpha : 1;
      scene.screenSpaceCameraController.enableCollisionDetection = !on;
      scene.globe.depthTestAgainstTerrain = UNDERGROUND_LOOK.depthTestAgainstTerrain;
      if (grid) grid.show = true;
      scene.requestRender();
    },
    cameraHeightAboveGround() {
      return Cartographic.fromCartesian(viewer.camera.positionWC).height;
    },
    flyToExtent(extent, durationSeconds = 0) {
      const [w, s, e, n] = extent;
      const rect = Rectangle.fromDegrees(w, s, e, n);
      const centre = Rectangle.center(rect);
      const span = Math.max(e - w, n - s) * 111_000;
      viewer.camera.flyTo({
        destination: Cartesian3.fromRadians(centre.longitude, centre.latitude - CesiumMath.toRadians((n - s) * 0.9), span * 0.9),
        orientation: { heading: 0, pitch: CesiumMath.toRadians(-45), roll: 0 },
        duration: durationSeconds,
      });
      scene.requestRender();
    },
    showGroundGrid(extent) {
      if (grid) scene.primitives.remove(grid);
      grid = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
      const material = Material.fromType('Color', { color: Color.WHITE.withAlpha(0.35) });
      const [w, s, e, n] = extent;
      const step = GROUND_GRID_SPACING_DEG;
      for (let lon = Math.floor(w / step) * step; lon <= e + step; lon += step) {
        grid.add({ positions: Cartesian3.fromDegreesArrayHeights([lon, s - step, 0, lon, n + step, 0]), width: 1, material });
      }
      for (let lat = Math.floor(s / step) * step; lat <= n + step; lat += step) {
        grid.add({ positions: Cartesian3.fromDegreesArrayHeights([w - step, lat, 0, e + step, lat, 0]), width: 1, material });
      }
      scene.requestRender();
    },
    destroy() {
      viewer.destroy();
    },
  };
}
