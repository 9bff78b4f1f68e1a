// The umbrella module: `import MLCore` brings in every public MLCore module
// (the swift-numerics `Numerics` pattern).
@_exported import MLCoreKernels
@_exported import MLCoreTensor
