@_exported import MLCore
