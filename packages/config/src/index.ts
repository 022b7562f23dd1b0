export { ConfigError, type ConfigIssue } from './configError.ts';
export { configSchema, type JarvisConfig, type JarvisConfigInput } from './configSchema.ts';
export { type LoadConfigOptions, type LoadedConfig, loadConfig, parseConfig } from './loadConfig.ts';
export { REDACTED, redactConfig, SHOWN_CONFIG_KEYS } from './redactConfig.ts';
