/**
 * Which pickle globals are safe. Allowlist first: the globals that torch, numpy, scikit-learn and
 * joblib really write (compiled by scanning the files those libraries produce, see
 * test/formats/pickle/allowlist.test.ts) are safe; a denylist of known-dangerous callables names the
 * worst offenders so they are reported as critical; everything else is unknown, and the machine rates
 * an unknown global by how the pickle uses it (called: high; only reconstructed: medium).
 */

export type Classification =
  | { kind: "allow" }
  | { kind: "deny"; why: string }
  | { kind: "unknown" };

export interface PolicyLists {
  strict: boolean;
  /** User allow patterns: `module.name` or `module.*`. */
  allow: string[];
  /** User deny patterns: `module.name` or `module.*`. */
  deny: string[];
}

// ---------------------------------------------------------------- name normalisation

/**
 * CPython's `_compat_pickle` maps Python 2 names when unpickling protocol < 3 with fix_imports (the
 * default). We apply it always: a Python-2 spelling of a dangerous name is the same danger.
 */
const IMPORT_MAPPING: Record<string, string> = {
  __builtin__: "builtins",
  exceptions: "builtins",
  copy_reg: "copyreg",
  cPickle: "pickle",
  commands: "subprocess",
  popen2: "subprocess",
  thread: "_thread",
  dummy_thread: "_dummy_thread",
  Queue: "queue",
  SocketServer: "socketserver",
  urllib2: "urllib.request",
  httplib: "http.client",
  BaseHTTPServer: "http.server",
  SimpleHTTPServer: "http.server",
  CGIHTTPServer: "http.server",
  xmlrpclib: "xmlrpc.client",
  StringIO: "io",
  cStringIO: "io",
  UserDict: "collections",
  UserList: "collections",
  UserString: "collections",
  whichdb: "dbm",
  anydbm: "dbm",
  repr: "reprlib",
  ConfigParser: "configparser",
};

const NAME_MAPPING: Record<string, [string, string]> = {
  "__builtin__.xrange": ["builtins", "range"],
  "__builtin__.reduce": ["functools", "reduce"],
  "__builtin__.intern": ["sys", "intern"],
  "__builtin__.unichr": ["builtins", "chr"],
  "__builtin__.unicode": ["builtins", "str"],
  "__builtin__.long": ["builtins", "int"],
  "__builtin__.basestring": ["builtins", "str"],
  "__builtin__.raw_input": ["builtins", "input"],
  "__builtin__.execfile": ["builtins", "exec"],
  "__builtin__.apply": ["builtins", "apply"],
  "itertools.izip": ["builtins", "zip"],
  "itertools.imap": ["builtins", "map"],
  "itertools.ifilter": ["builtins", "filter"],
  "os.getcwdu": ["os", "getcwd"],
};

/** Normalises a (module, name) pair as CPython's unpickler would before importing it. */
export function normalizeGlobal(module: string, name: string): [string, string] {
  const mapped = NAME_MAPPING[`${module}.${name}`];
  if (mapped) return mapped;
  return [IMPORT_MAPPING[module] ?? module, name];
}

// ---------------------------------------------------------------- the denylist

/** Whole modules whose every callable is dangerous, with the reason shown to the user. */
const DENY_MODULES: Record<string, string> = {
  os: "process execution and file system access",
  posix: "process execution and file system access",
  nt: "process execution and file system access",
  subprocess: "process execution",
  _posixsubprocess: "process execution",
  _winapi: "process execution",
  pty: "process execution",
  popen2: "process execution",
  commands: "process execution",
  shutil: "file system access",
  sys: "interpreter internals",
  importlib: "import machinery",
  imp: "import machinery",
  runpy: "code execution",
  pkgutil: "import machinery",
  zipimport: "import machinery",
  code: "code execution",
  codeop: "code compilation",
  pdb: "debugger (code execution)",
  bdb: "debugger (code execution)",
  trace: "tracer (code execution)",
  cProfile: "profiler (code execution)",
  profile: "profiler (code execution)",
  timeit: "code execution",
  pydoc: "process execution (pager)",
  doctest: "code execution",
  idlelib: "code execution",
  lib2to3: "nested pickle loading",
  ctypes: "native code execution",
  _ctypes: "native code execution",
  cffi: "native code execution",
  multiprocessing: "process execution",
  _thread: "thread creation",
  threading: "thread creation",
  concurrent: "process and thread execution",
  asyncio: "process execution and network access",
  socket: "network access",
  _socket: "network access",
  socketserver: "network access",
  ssl: "network access",
  http: "network access",
  urllib: "network access",
  urllib3: "network access",
  requests: "network access",
  httpx: "network access",
  aiohttp: "network access",
  ftplib: "network access",
  smtplib: "network access",
  telnetlib: "network access",
  poplib: "network access",
  imaplib: "network access",
  nntplib: "network access",
  xmlrpc: "network access",
  webbrowser: "process execution",
  marshal: "code object loading",
  pickle: "nested pickle loading",
  _pickle: "nested pickle loading",
  pickletools: "pickle internals",
  dill: "nested pickle loading",
  cloudpickle: "nested pickle loading",
  shelve: "nested pickle loading",
  dbm: "file system access",
  tempfile: "file system access",
  glob: "file system access",
  fileinput: "file system access",
  io: "file system access",
  _io: "file system access",
  zipfile: "file system access",
  tarfile: "file system access",
  linecache: "file system access",
  tokenize: "file system access",
  inspect: "interpreter introspection",
  gc: "interpreter introspection",
  signal: "process control",
  resource: "process control",
  venv: "process execution",
  ensurepip: "package installation",
  pip: "package installation",
  setuptools: "package installation and code execution",
  distutils: "process execution",
  site: "import machinery",
  "logging.config": "code execution (config listener)",
  jinja2: "template execution",
  mako: "template execution",
  yaml: "unsafe YAML loading",
  IPython: "code execution",
  numexpr: "expression evaluation",
  "torch.hub": "remote code loading",
  "torch.jit": "TorchScript loading",
  "torch.package": "nested model loading",
  "torch.serialization": "nested model loading",
  "torch.utils.cpp_extension": "native code compilation",
  "torch._inductor": "code generation and execution",
  "torch._dynamo": "code generation and execution",
  "torch.testing": "code execution",
  "numpy.testing": "code execution",
  "numpy.f2py": "native code compilation",
  "numpy.distutils": "process execution",
  "numpy.ctypeslib": "native code loading",
  "tensorflow.io": "file system access",
  modelscan: "scanner tampering",
  picklescan: "scanner tampering",
  fickling: "scanner tampering",
  vouch: "scanner tampering",
};

/** Individual dangerous names in otherwise harmless modules. */
const DENY_NAMES: Record<string, string> = {
  "builtins.eval": "code execution",
  "builtins.exec": "code execution",
  "builtins.compile": "code compilation",
  "builtins.__import__": "import machinery",
  "builtins.open": "file system access",
  "builtins.getattr": "attribute access gadget",
  "builtins.setattr": "attribute assignment gadget",
  "builtins.delattr": "attribute deletion gadget",
  "builtins.globals": "interpreter internals",
  "builtins.locals": "interpreter internals",
  "builtins.vars": "interpreter internals",
  "builtins.input": "reads standard input",
  "builtins.breakpoint": "debugger (code execution)",
  "builtins.help": "process execution (pager)",
  "builtins.exit": "process control",
  "builtins.quit": "process control",
  "builtins.apply": "call gadget",
  "builtins.type": "class creation gadget",
  "builtins.super": "attribute access gadget",
  "builtins.memoryview": "memory access",
  "builtins.print": "output gadget",
  "types.CodeType": "code object construction",
  "types.FunctionType": "function construction",
  "types.LambdaType": "function construction",
  "types.MethodType": "method binding gadget",
  "types.ModuleType": "module construction",
  "types.SimpleNamespace": "attribute gadget",
  "operator.attrgetter": "attribute access gadget",
  "operator.itemgetter": "item access gadget",
  "operator.methodcaller": "method call gadget",
  "operator.getitem": "item access gadget",
  "operator.call": "call gadget",
  "_operator.attrgetter": "attribute access gadget",
  "_operator.itemgetter": "item access gadget",
  "_operator.methodcaller": "method call gadget",
  "functools.partial": "call gadget",
  "functools.partialmethod": "call gadget",
  "functools.reduce": "call gadget",
  "_functools.partial": "call gadget",
  "_functools.reduce": "call gadget",
  "collections.namedtuple": "code execution (class template)",
  "copy.deepcopy": "call gadget",
  "platform.popen": "process execution",
  "platform._syscmd_ver": "process execution",
  "platform._syscmd_file": "process execution",
  "uuid._get_command_stdout": "process execution",
  "uuid._popen": "process execution",
  "torch.load": "nested model loading",
  "torch.storage._load_from_bytes": "nested model loading",
  "torch._C._jit_pass_inline": "TorchScript internals",
  "torch.ops.load_library": "native code loading",
  "torch.classes.load_library": "native code loading",
  "torch._utils._rebuild_from_type": "call gadget",
  "numpy.load": "nested pickle loading",
  "numpy.fromfile": "file system access",
  "numpy.tofile": "file system access",
  "numpy.save": "file system access",
  "numpy.savez": "file system access",
  "numpy.savetxt": "file system access",
  "numpy.loadtxt": "file system access",
  "numpy.genfromtxt": "file system access",
  "numpy.memmap": "file system access",
  "numpy.lib.npyio.load": "nested pickle loading",
  "numpy.lib.format.read_array": "nested pickle loading",
  "joblib.load": "nested pickle loading",
  "joblib.numpy_pickle.load": "nested pickle loading",
  "pandas.read_pickle": "nested pickle loading",
  "pandas.eval": "expression evaluation",
  "pandas.io.pickle.read_pickle": "nested pickle loading",
  "sympy.sympify": "expression evaluation",
  "keras.models.load_model": "nested model loading",
  "tensorflow.keras.models.load_model": "nested model loading",
  "sklearn.datasets.fetch_openml": "network access",
  "sklearn.externals.joblib.load": "nested pickle loading",
};

// ---------------------------------------------------------------- the allowlist

/** Globals real weight files use: torch tensors and storages, numpy arrays, plain containers. */
const WEIGHTS_ALLOW = [
  // torch tensor and parameter rebuilders (torch.save of state_dicts)
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_tensor_v3",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
  "torch._utils._rebuild_qtensor",
  "torch._utils._rebuild_sparse_tensor",
  "torch._utils._rebuild_sparse_csr_tensor",
  "torch._utils._rebuild_device_tensor_from_numpy",
  "torch._utils._rebuild_meta_tensor_no_storage",
  "torch._utils._rebuild_wrapper_subclass",
  "torch._utils._rebuild_nested_tensor",
  "torch._utils._rebuild_xla_tensor",
  "torch._utils._rebuild_mtia_tensor",
  "torch._tensor._rebuild_from_type_v2",
  "torch.Tensor",
  "torch.Size",
  "torch.device",
  "torch.nn.parameter.Parameter",
  "torch.storage.TypedStorage",
  "torch.storage.UntypedStorage",
  "torch.serialization._get_layout",
  ...[
    "Double", "Float", "Half", "BFloat16", "Long", "Int", "Short", "Char", "Byte", "Bool",
    "ComplexDouble", "ComplexFloat", "QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4", "Untyped",
    "Float8_e4m3fn", "Float8_e5m2", "UInt16", "UInt32", "UInt64",
  ].map((t) => `torch.${t}Storage`),
  ...[
    "float32", "float", "float16", "half", "bfloat16", "float64", "double", "int8", "uint8", "int16",
    "short", "int32", "int", "int64", "long", "bool", "complex32", "complex64", "complex128", "cfloat",
    "cdouble", "chalf", "qint8", "quint8", "qint32", "quint4x2", "quint2x4", "float8_e4m3fn",
    "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "uint16", "uint32", "uint64", "bits8", "bits16",
    "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "_mkldnn",
    "contiguous_format", "channels_last", "channels_last_3d", "preserve_format",
    "per_tensor_affine", "per_channel_affine", "per_tensor_symmetric", "per_channel_symmetric",
    "per_channel_affine_float_qparams",
  ].map((t) => `torch.${t}`),
  // numpy arrays, dtypes and scalars (numpy 1.x `numpy.core`, numpy 2.x `numpy._core`)
  ...["numpy.core", "numpy._core"].flatMap((m) => [
    `${m}.multiarray._reconstruct`,
    `${m}.multiarray.scalar`,
    `${m}.multiarray.ndarray`,
    `${m}.numeric._frombuffer`,
  ]),
  "numpy.ndarray",
  "numpy.dtype",
  "numpy.ma.core._mareconstruct",
  "numpy.ma.core.MaskedArray",
  ...[
    "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
    "float32", "float64", "longdouble", "complex64", "complex128", "clongdouble", "str_", "bytes_",
    "void", "object_", "datetime64", "timedelta64", "intc", "uintc", "longlong", "ulonglong",
  ].map((t) => `numpy.${t}`),
  ...["Bool", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float16", "Float32",
    "Float64", "LongDouble", "Complex64", "Complex128", "CLongDouble", "Str", "Bytes", "Void", "Object",
    "DateTime64", "TimeDelta64", "StringDType"].map((t) => `numpy.dtypes.${t}${t.endsWith("DType") ? "" : "DType"}`),
  // plain containers and values
  "builtins.set",
  "builtins.frozenset",
  "builtins.bytearray",
  "builtins.bytes",
  "builtins.complex",
  "builtins.slice",
  "builtins.range",
  "builtins.int",
  "builtins.float",
  "builtins.bool",
  "builtins.str",
  "builtins.tuple",
  "builtins.list",
  "builtins.dict",
  "builtins.Ellipsis",
  "builtins.NotImplemented",
  "collections.OrderedDict",
  "_codecs.encode",
];

/** Also safe outside strict mode: objects that ordinary checkpoints and scikit-learn models hold. */
const GENERAL_ALLOW = [
  "builtins.object",
  "copyreg._reconstructor",
  "copyreg.__newobj__",
  "copyreg.__newobj_ex__",
  "collections.defaultdict",
  "collections.deque",
  "collections.Counter",
  "datetime.datetime",
  "datetime.date",
  "datetime.time",
  "datetime.timedelta",
  "datetime.timezone",
  "decimal.Decimal",
  "fractions.Fraction",
  "uuid.UUID",
  "re._compile",
  "pathlib.Path",
  "pathlib.PosixPath",
  "pathlib.WindowsPath",
  "pathlib.PurePath",
  "pathlib.PurePosixPath",
  "pathlib.PureWindowsPath",
  "numpy.random._pickle.__randomstate_ctor",
  "numpy.random._pickle.__bit_generator_ctor",
  "numpy.random._pickle.__generator_ctor",
  "numpy.random.mtrand.RandomState",
  "numpy.random._mt19937.MT19937",
  "numpy.random._pcg64.PCG64",
  "numpy.random._generator.Generator",
  "joblib.numpy_pickle.NumpyArrayWrapper",
  "joblib.numpy_pickle_compat.NDArrayWrapper",
  "joblib.numpy_pickle_compat.ZNDArrayWrapper",
];

/**
 * Scikit-learn and SciPy sparse classes are allowed by shape rather than one by one: a class name
 * (CapWords) inside `sklearn.` or a `*_matrix`/`*_array` class inside `scipy.sparse.`. Functions in
 * those packages are not allowed (some fetch data from the network), and the denylist still wins.
 */
function allowedByShape(module: string, name: string): boolean {
  if (name.includes(".")) return false;
  if ((module === "sklearn" || module.startsWith("sklearn.")) && /^_?[A-Z][A-Za-z0-9_]*$/.test(name)) return true;
  if (module.startsWith("scipy.sparse") && /^[a-z]{3}_(matrix|array)$/.test(name)) return true;
  return false;
}

/**
 * What `torch.jit.save` writes into the pickles of a TorchScript archive (data.pkl, constants.pkl,
 * .debug_pkl): list builders and type tags that only construct values.
 */
const TORCHSCRIPT_HELPERS = new Set([
  "torch.jit._pickle.build_intlist",
  "torch.jit._pickle.build_tensorlist",
  "torch.jit._pickle.build_doublelist",
  "torch.jit._pickle.build_boollist",
  "torch.jit._pickle.build_tensor_from_id",
  "torch.jit._pickle.restore_type_tag",
]);

const WEIGHTS_SET = new Set(WEIGHTS_ALLOW);
const GENERAL_SET = new Set(GENERAL_ALLOW);

/** Returns the reason if `module` or one of its parent packages is in the deny table. */
function moduleDenied(module: string): string | undefined {
  let m = module;
  for (;;) {
    const why = DENY_MODULES[m];
    if (why) return why;
    const dot = m.lastIndexOf(".");
    if (dot < 0) return undefined;
    m = m.slice(0, dot);
  }
}

/** `pkg.name` matches `pkg.name`; `pkg.*` matches anything in pkg and its submodules. */
function matchesPattern(full: string, module: string, pattern: string): boolean {
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -2);
    return module === prefix || module.startsWith(prefix + ".");
  }
  return full === pattern;
}

/** Dunder attributes reached through a dotted name walk out of the object model into arbitrary code. */
export function dunderSegment(name: string): string | undefined {
  const parts = name.split(".");
  if (parts.length < 2) return undefined;
  return parts.find((p) => p.startsWith("__") && p.endsWith("__") && p.length > 4);
}

/** Classifies a normalised global. */
export function classify(module: string, name: string, lists: PolicyLists): Classification {
  const full = `${module}.${name}`;
  for (const p of lists.deny) if (matchesPattern(full, module, p)) return { kind: "deny", why: "denied in vouch.yaml" };
  // An exact user allow entry may override the built-in denylist (a reviewed exception); a wildcard may not.
  if (lists.allow.includes(full)) return { kind: "allow" };
  // TorchScript's own pickler helpers live under torch.jit, whose loaders are otherwise denied.
  if (TORCHSCRIPT_HELPERS.has(full)) return { kind: "allow" };
  const denied = DENY_NAMES[full] ?? moduleDenied(module);
  if (denied) return { kind: "deny", why: denied };
  if (module === "builtins" && !WEIGHTS_SET.has(full) && !GENERAL_SET.has(full)) {
    // Any other builtin is a function of the interpreter itself: not data, so not allowed.
    return { kind: "unknown" };
  }
  for (const p of lists.allow) if (matchesPattern(full, module, p)) return { kind: "allow" };
  if (WEIGHTS_SET.has(full)) return { kind: "allow" };
  if (lists.strict) return { kind: "unknown" };
  if (GENERAL_SET.has(full) || allowedByShape(module, name)) return { kind: "allow" };
  // TorchScript archives name their compiled classes `__torch__.*`; they resolve inside the TorchScript
  // runtime, never through Python's import system.
  if (module === "__torch__" || module.startsWith("__torch__.")) return { kind: "allow" };
  return { kind: "unknown" };
}

/** The built-in lists, for documentation and tests. */
export const BUILTIN_LISTS = { WEIGHTS_ALLOW, GENERAL_ALLOW, TORCHSCRIPT_HELPERS, DENY_MODULES, DENY_NAMES };
