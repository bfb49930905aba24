/**
 * The qualified names the Python analysis looks for, by concern. Names are as `NameTable.resolve`
 * returns them: module path plus attribute (`subprocess.Popen`), builtins under `builtins.`.
 */

/** Functions that run a command or start a program. */
const PROCESS = new Set([
  "os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "os.startfile",
  "posix.system", "posix.popen", "nt.system", "nt.popen",
  "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
  "subprocess.getoutput", "subprocess.getstatusoutput",
  "pty.spawn", "commands.getoutput", "commands.getstatusoutput", "platform.popen",
  "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
]);
/** os.execv, os.spawnlp, os.posix_spawn, ... and their posix/nt twins. */
const PROCESS_FAMILY = /^(os|posix|nt)\.(exec|spawn|posix_spawn)\w*$/;

export function isProcessExec(q: string): boolean {
  return PROCESS.has(q) || PROCESS_FAMILY.test(q);
}

/** Functions that run or import code chosen at run time. */
const DYNAMIC = new Set([
  "builtins.exec", "builtins.eval", "builtins.compile", "builtins.__import__", "builtins.execfile",
  "importlib.import_module", "importlib.__import__", "runpy.run_path", "runpy.run_module",
]);

export function isDynamicCode(q: string): boolean {
  return DYNAMIC.has(q);
}

/** Calls whose argument is run as code: decoded data reaching them is obfuscated code. */
const EXEC_SINKS = new Set(["builtins.exec", "builtins.eval", "builtins.compile", "builtins.execfile"]);

export function isExecSink(q: string): boolean {
  return EXEC_SINKS.has(q);
}

/** Modules (and module prefixes) that talk to the network. */
const NETWORK_MODULES = [
  "socket", "ssl", "urllib.request", "urllib2", "urllib3", "requests", "http.client", "httplib", "httpx",
  "aiohttp", "ftplib", "smtplib", "telnetlib", "paramiko", "pycurl", "websocket", "websockets",
];
/** `urllib.urlopen` (Python 2) is network; `urllib.parse` and friends are string handling. */
const NETWORK_FUNCTIONS = new Set(["urllib.urlopen", "urllib.urlretrieve"]);

export function isNetwork(q: string): boolean {
  return NETWORK_FUNCTIONS.has(q) || NETWORK_MODULES.some((m) => q === m || q.startsWith(`${m}.`));
}

/** Functions that turn an encoded blob back into bytes or code. */
const DECODERS = new Set([
  "base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.a85decode", "base64.b85decode",
  "base64.decodebytes", "base64.decodestring", "base64.urlsafe_b64decode", "base64.standard_b64decode",
  "binascii.a2b_base64", "binascii.unhexlify", "binascii.a2b_hex",
  "zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress",
  "marshal.loads", "codecs.decode", "builtins.bytes.fromhex",
]);

export function isDecoder(q: string): boolean {
  return DECODERS.has(q);
}

/** Calls that open or create a file (or a path object) from their first argument. */
const OPENERS = new Set([
  "builtins.open", "io.open", "os.open", "codecs.open", "pathlib.Path", "pathlib.PosixPath", "pathlib.PurePath",
  "os.chmod", "os.chown", "os.symlink", "os.link", "os.rename", "os.replace", "os.makedirs", "os.mkdir",
  "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move",
]);

/** Calls that delete their first argument. */
const DELETERS = new Set(["shutil.rmtree", "os.remove", "os.unlink", "os.rmdir", "os.removedirs"]);

export function fileAccess(q: string): "open" | "delete" | undefined {
  if (OPENERS.has(q)) return "open";
  if (DELETERS.has(q)) return "delete";
  return undefined;
}

/** Modules where a computed attribute name can reach process, code or native-memory access. */
const SENSITIVE_MODULES = new Set([
  "os", "posix", "nt", "subprocess", "pty", "builtins", "importlib", "sys", "runpy", "code", "codeop",
  "marshal", "pickle", "ctypes", "shutil", "socket", "types", "commands", "platform", "asyncio",
]);

export function isSensitiveModule(q: string): boolean {
  return SENSITIVE_MODULES.has(q.split(".")[0]!);
}
