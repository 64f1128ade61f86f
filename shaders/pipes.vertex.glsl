// Pipes keep a minimum width on screen: every vertex of the instanced cylinder (or duct box) is
// pushed out along its normal by half of u_minPixels at its distance from the camera, so a 300 mm
// trunk still reads from kilometres away while a close-up shows the pipe at its true size.
// The cylinder's normals lean out of its ends (src/core/tiles/unitMeshes.ts), so the push also
// lengthens each segment a little (joints stay closed) and widens it by ~0.9 of u_minPixels.
// Runs after Cesium's instancing stage: positionMC and normalMC are per-instance already.
void vertexMain(VertexInput vsInput, inout czm_modelVertexOutput vsOutput)
{
    vec3 n = vsInput.attributes.normalMC;
    float len = length(n);
    if (len > 0.0) {
        vec4 positionEC = czm_modelView * vec4(vsOutput.positionMC, 1.0);
        float metresPerPixel = czm_metersPerPixel(positionEC);
        vsOutput.positionMC += (n / len) * (0.5 * u_minPixels * metresPerPixel);
    }
}
