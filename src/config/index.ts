/**
 * The configuration layer: schema and defaults, layered loading with origins, state paths, the
 * starter file, display helpers and the generated reference. CLI start-up code should import the
 * individual files (paths.js has no zod or yaml) rather than this barrel.
 */
export { configReferenceMarkdown } from './docs.js';
export {
  type ConfigKey,
  configKeyPaths,
  configKeys,
  envVarFor,
  envVarToPath,
  type LeafKind,
  NAME_PLACEHOLDER,
} from './keys.js';
export { isConfigEnvVar } from './layers.js';
export { type LeafEntry, leafEntries } from './leaves.js';
export {
  type ConfigEvaluation,
  evaluateConfig,
  type LoadedConfig,
  type LoadOptions,
  loadConfig,
} from './load.js';
export {
  type ConfigProblem,
  displayPath,
  formatOrigin,
  formatProblem,
  formatWhere,
  type Origin,
} from './origin.js';
export {
  ensureStateDir,
  expandHome,
  type FlotillaPaths,
  REPO_CONFIG_FILE,
  resolvePaths,
  type StatePaths,
  writeSecretFile,
} from './paths.js';
export {
  ADAPTER_KINDS,
  type AdapterKind,
  type AgentConfig,
  BUILTIN_AGENT_NAMES,
  BUILTIN_AGENTS,
  type BuiltinAgentName,
  type Config,
  type ConfigInput,
  ConfigSchema,
  defaultConfig,
  isBuiltinAgent,
  PATH_KEYS,
} from './schema.js';
export {
  type ConfigRow,
  type ConfigValidation,
  configRows,
  configValue,
  formatValue,
  isSecretKey,
  REDACTED,
  redactConfig,
  type SourceValidation,
  validateConfigFiles,
} from './show.js';
export { starterConfigYaml } from './starter.js';
