import Frame
import WorkbenchCore

/// The OpenAPI 3.1 description of the scoring server, with the served model's features in the request schemas.
enum OpenAPIDocument {
  static func document(for served: LoadedModel) -> JSONValue {
    let model = served.model
    // null (a missing value) is accepted only when the model imputes it; otherwise it is refused with 400.
    let nullable: [JSONValue] = model.imputesMissing ? ["null"] : []
    let featureValue: (Int) -> JSONValue = { j in
      .object(["type": .array((model.categorical[j] ? ["string", "number"] : ["number"]) + nullable)])
    }
    let row: JSONValue = .object([
      "type": "object", "additionalProperties": false,
      "required": .array(model.features.map { .string($0) }),
      "properties": .object(Dictionary(uniqueKeysWithValues: model.features.enumerated().map { ($1, featureValue($0)) })),
    ])
    let records: JSONValue = .object(["type": "array", "items": row])
    let positional: JSONValue = .object([
      "type": "array",
      "items": .object(["type": "array", "minItems": .int(model.features.count), "maxItems": .int(model.features.count),
                        "prefixItems": .array(model.features.indices.map(featureValue))]),
    ])
    let split: JSONValue = .object([
      "type": "object", "required": ["columns", "data"], "additionalProperties": false,
      "properties": .object([
        "columns": .object(["type": "array", "items": .object(["type": "string", "enum": .array(model.features.map { .string($0) })]), "uniqueItems": true]),
        "data": .object(["type": "array", "items": .object(["type": "array", "items": .object(["type": .array(["string", "number"] + nullable)])])]),
        "index": .object(["type": "array"]),
      ]),
    ])
    // The only inference param: which input the rows are (chosen from the columns when absent).
    let params: JSONValue = .object([
      "type": "object", "additionalProperties": false,
      "properties": .object(["input": .object(["type": "string", "enum": ["features", "raw"]])]),
    ])
    func body(_ key: String, _ schema: JSONValue) -> JSONValue {
      .object(["type": "object", "required": .array([.string(key)]), "additionalProperties": false,
               "properties": .object([key: schema, "params": params])])
    }
    var bodies = [
      body("dataframe_split", split), body("dataframe_records", records), body("instances", records),
      body("inputs", records), body("instances", positional), body("inputs", positional),
    ]
    var schemas: [String: JSONValue] = [:]
    if let raw = served.rawInput.raw {
      // Raw rows: the entry cell's columns, turned into features by the workbook's transform cells (docs/serving.md).
      let rawValue: (DataType) -> JSONValue = { type in
        switch type {
        case .int: .object(["type": ["integer", "null"]])
        case .float: .object(["type": ["number", "null"]])
        case .bool: .object(["type": ["boolean", "null"]])
        case .string: .object(["type": ["string", "number", "null"]])
        }
      }
      schemas["RawRow"] = .object([
        "type": "object", "additionalProperties": false,
        "description": .string("A row of cell `\(raw.entryCell)`'s output, turned into the model's features by transform cell(s) \(raw.transforms.map(\.cell).joined(separator: ", ")). The target column, when listed, is optional."),
        "required": .array(raw.columns.filter(\.required).map { .string($0.name) }),
        "properties": .object(Dictionary(uniqueKeysWithValues: raw.columns.map { ($0.name, rawValue($0.type)) })),
      ])
      let rawRecords: JSONValue = .object(["type": "array", "items": .object(["$ref": "#/components/schemas/RawRow"])])
      bodies += [body("dataframe_records", rawRecords), body("instances", rawRecords), body("inputs", rawRecords)]
    }
    let error: JSONValue = .object([
      "description": "The request was refused; the message names the column and row at fault.",
      "content": .object(["application/json": .object(["schema": .object(["$ref": "#/components/schemas/Error"])])]),
    ])
    let secured: JSONValue = .array([.object(["bearer": .array([])])])
    let plain: (String) -> JSONValue = { d in
      .object(["description": .string(d), "content": .object(["text/plain": .object(["schema": .object(["type": "string"])])])])
    }
    return .object([
      "openapi": "3.1.0",
      "info": .object([
        "title": "Workbench scoring server", "version": .string(String(served.version)),
        "description": .string("MLflow-compatible scoring of registered model \(served.name) (version \(served.version), \(model.family)). Predictions are P(1) for a classifier, the predicted value for a regressor."),
      ]),
      "components": .object([
        "schemas": .object(schemas.merging([
          "Error": .object([
            "type": "object", "required": ["error_code", "message"],
            "properties": .object(["error_code": .object(["type": "string"]), "message": .object(["type": "string"])]),
          ]),
          "Predictions": .object([
            "type": "object", "required": ["predictions"],
            "properties": .object(["predictions": .object(["type": "array", "items": .object(["type": .array(["number", "null"])])])]),
          ]),
        ]) { a, _ in a }),
        "securitySchemes": .object(["bearer": .object(["type": "http", "scheme": "bearer"])]),
      ]),
      "paths": .object([
        "/invocations": .object(["post": .object([
          "summary": "Score rows (MLflow scoring protocol)", "security": secured,
          "requestBody": .object(["required": true, "content": .object([
            "application/json": .object(["schema": .object(["oneOf": .array(bodies)])]),
            "text/csv": .object(["schema": .object(["type": "string"])]),
          ])]),
          "responses": .object([
            "200": .object(["description": "One prediction per row, in row order.",
                            "content": .object(["application/json": .object(["schema": .object(["$ref": "#/components/schemas/Predictions"])])])]),
            "400": error, "401": error, "413": error, "415": error,
          ]),
        ])]),
        "/ping": .object(["get": .object(["summary": "Liveness: 200 once the model is loaded", "responses": .object(["200": plain("A newline.")])])]),
        "/health": .object(["get": .object(["summary": "Same as /ping", "responses": .object(["200": plain("A newline.")])])]),
        "/version": .object(["get": .object([
          "summary": "The served model: name, version, run id, training cell and its cache key", "security": secured,
          "responses": .object(["200": .object(["description": "Provenance of the model in service.",
                                                "content": .object(["application/json": .object(["schema": .object(["type": "object"])])])]),
                                "401": error]),
        ])]),
        "/metrics": .object(["get": .object([
          "summary": "Prometheus metrics (text format 0.0.4)", "security": secured,
          "responses": .object(["200": plain("Prometheus text exposition."), "401": error]),
        ])]),
      ]),
    ])
  }
}
