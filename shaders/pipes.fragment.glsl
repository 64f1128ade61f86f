// Depth cue and screened-line highlight for the tiled pipe layers.
//
// The colour reaching here is the style's colour (the tileset uses colorBlendMode
// REPLACE, so material.diffuse is the feature colour). The shader is UNLIT: colours stay the
// CJJ 61 / APWA colours a person knows, with a light cylinder shading.
//
// Depth cue: the fragment's height above the ellipsoid (= ground level, see cityViewer.ts) is
// measured from u_groundEC, the ground point under the camera in eye coordinates, along u_upEC
// with the earth's curvature added back (h ≈ along + horizontal² / 2R). Deeper = darker, bluer,
// reaching full strength at u_fullDepth metres.
//
// Highlight: lines the style paints in a verdict colour (u_strike, u_encroach, u_near) are the
// screened lines: they get no depth cue and a bright core, so they stand out underground.
bool isKey(vec3 c, vec3 key)
{
    return all(lessThan(abs(c - key), vec3(0.004)));
}

void fragmentMain(FragmentInput fsInput, inout czm_modelMaterial material)
{
    vec3 colour = material.diffuse;
    vec3 normalEC = normalize(fsInput.attributes.normalEC);
    vec3 toEye = normalize(-fsInput.attributes.positionEC);
    float facing = abs(dot(normalEC, toEye));
    bool screened = isKey(colour, u_strike) || isKey(colour, u_encroach) || isKey(colour, u_near);
    if (screened) {
        material.diffuse = mix(colour, vec3(1.0), 0.35 * pow(facing, 8.0));
        return;
    }
    vec3 v = fsInput.attributes.positionEC - u_groundEC;
    float along = dot(v, u_upEC);
    float horizontal2 = max(dot(v, v) - along * along, 0.0);
    float height = along + horizontal2 / (2.0 * u_earthRadius);
    float cue = clamp(-height / u_fullDepth, 0.0, 1.0) * u_strength;
    vec3 deep = colour * 0.35 + vec3(0.0, 0.04, 0.22);
    colour = mix(colour, deep, cue);
    material.diffuse = colour * (0.88 + 0.12 * facing);
}
