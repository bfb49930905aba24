/**
 * Field numbers of the TensorFlow protos the scanner reads (tensorflow/core/protobuf/saved_model.proto,
 * meta_graph.proto, saver.proto; tensorflow/core/framework/graph.proto, node_def.proto, function.proto,
 * op_def.proto, versions.proto). Everything else is skipped by offset, including the tensor values of
 * `Const` nodes, which hold a frozen graph's weights.
 */

/** SavedModel: the content of `saved_model.pb`. */
export const SAVED_MODEL = { schemaVersion: 1, metaGraphs: 2 } as const;

/** MetaGraphDef. */
export const META_GRAPH = { metaInfoDef: 1, graphDef: 2, saverDef: 3 } as const;

/** MetaGraphDef.MetaInfoDef. */
export const META_INFO = { metaGraphVersion: 1, tags: 4, tensorflowVersion: 5 } as const;

/** SaverDef: names the tensors and op of the graph's own Saver. */
export const SAVER = { filenameTensorName: 1, saveTensorName: 2, restoreOpName: 3 } as const;

/** GraphDef: the content of a frozen `.pb`. */
export const GRAPH_DEF = { node: 1, library: 2, versions: 4 } as const;

/** NodeDef. */
export const NODE_DEF = { name: 1, op: 2, input: 3, device: 4, attr: 5 } as const;

/** FunctionDefLibrary and FunctionDef; a function's name is in its signature (an OpDef, name = 1). */
export const LIBRARY = { function: 1 } as const;
export const FUNCTION_DEF = { signature: 1, nodeDef: 3 } as const;
export const OP_DEF = { name: 1 } as const;

/** VersionDef: `producer` is the GraphDef version of the TensorFlow that wrote the graph. */
export const VERSION_DEF = { producer: 1 } as const;
