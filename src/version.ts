import packageJson from '../package.json' with { type: 'json' };

/** The version in package.json, shown by `--version` and in every report's footer. */
export const VERSION: string = packageJson.version;
export const TOOL_NAME = 'AsyncAPI Security Review';
