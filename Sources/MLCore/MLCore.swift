// The umbrella module: `import MLCore` brings in every public MLCore module
// (the swift-numerics `Numerics` pattern).
@_exported import MLCoreData
@_exported import MLCoreKernels
@_exported import MLCoreModels
@_exported import MLCoreONNX
@_exported import MLCoreTensor
