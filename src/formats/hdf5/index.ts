/**
 * HDF5: a bounded reader of the structures a scanner needs (superblock, object headers, compact
 * attributes, global heap strings, the group tree) and the handler that checks Keras 2 `.h5` models.
 */
export { hdf5Handler, scanHdf5, type Hdf5ScanOptions } from "./handler.js";
export { Hdf5File, hasSignatureIn, HDF5_SIGNATURE, type Superblock } from "./file.js";
export { readObjectHeader, MSG, type Message, type ObjectHeader } from "./object-header.js";
export { listAttributes, readStrings, GlobalHeaps, type Attribute, type AttributeListing, type StringValue } from "./attributes.js";
export { takeInventory, type Inventory } from "./inventory.js";
