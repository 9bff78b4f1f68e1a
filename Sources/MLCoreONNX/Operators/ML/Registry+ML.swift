extension OperatorRegistry {
    /// Registration lines of the ai.onnx.ml operator family, one per operator (and per semantic version).
    static func registerMLOperators(_ r: inout OperatorRegistry) {
        let ml = "ai.onnx.ml"
        r.add(ml, "TreeEnsembleRegressor", since: 1) { try TreeEnsembleRegressor($0) }
        r.add(ml, "TreeEnsembleClassifier", since: 1) { try TreeEnsembleClassifier($0) }
        r.add(ml, "TreeEnsemble", since: 5) { try TreeEnsembleV5.make($0) }
        r.add(ml, "LinearClassifier", since: 1) { try LinearClassifier($0) }
        r.add(ml, "LinearRegressor", since: 1) { try LinearRegressor($0) }
        r.add(ml, "Scaler", since: 1) { try Scaler($0) }
        r.add(ml, "Normalizer", since: 1) { try Normalizer($0) }
        r.add(ml, "Binarizer", since: 1) { try Binarizer($0) }
        r.add(ml, "Imputer", since: 1) { try Imputer($0) }
        r.add(ml, "ArrayFeatureExtractor", since: 1) { try ArrayFeatureExtractor($0) }
        r.add(ml, "OneHotEncoder", since: 1) { try OneHotEncoder($0) }
        r.add(ml, "LabelEncoder", since: 1) { try LabelEncoder($0) }
        r.add(ml, "ZipMap", since: 1) { try ZipMap($0) }
        r.add(ml, "SVMClassifier", since: 1) { try SVMClassifier($0) }
        r.add(ml, "SVMRegressor", since: 1) { try SVMRegressor($0) }
        r.add(ml, "CategoryMapper", since: 1) { try CategoryMapper($0) }
        r.add(ml, "FeatureVectorizer", since: 1) { try FeatureVectorizer($0) }
        r.add(ml, "DictVectorizer", since: 1) { try DictVectorizer($0) }
    }
}
