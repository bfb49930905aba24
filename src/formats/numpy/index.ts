/** numpy's .npy format (the members of .npz archives are .npy files too). */
export { npyHandler, OBJECT_ARRAY_MEMBER } from "./npy.js";
