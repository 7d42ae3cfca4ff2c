/** A typed reader of the `iommuLens.*` settings (the names and meanings: package.json `contributes.configuration`). */
import * as path from 'node:path';
import { workspace, type Uri } from 'vscode';
import type { Settings } from './protocol';

/** The settings as the server reads them (server/src/protocol/ext.ts), one type on both sides. */
export type { Settings };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const string = (v: unknown): string => (typeof v === 'string' ? v : '');

export function readSettings(scope?: Uri): Settings {
	const c = workspace.getConfiguration('iommuLens', scope);
	return {
		includePaths: strings(c.get('includePaths')),
		defines: strings(c.get('defines')),
		kernel: string(c.get('kernel')),
		profile: string(c.get('profile')),
		driverRoots: strings(c.get('driverRoots')),
		kconfig: string(c.get('kconfig')),
		config: string(c.get('config')),
		buildContext: string(c.get('buildContext')),
	};
}

/** The settings as plain JSON, for the server's `initializationOptions.settings`. */
export function settingsJson(): unknown {
	return JSON.parse(JSON.stringify(workspace.getConfiguration('iommuLens'))) as unknown;
}

/**
 * The command line options of `iommu-lens check` equivalent to the settings, with relative paths
 * resolved against the workspace folder of `file` (as the server does).
 */
export function cliOptions(settings: Settings, file: Uri): string[] {
	const folder = workspace.getWorkspaceFolder(file)?.uri.fsPath ?? workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(file.fsPath);
	const abs = (p: string): string => path.resolve(folder, p);
	const out: string[] = [];
	for (const p of settings.includePaths) out.push('-I', abs(p));
	for (const d of settings.defines) out.push('-D', d);
	if (settings.kernel) out.push('--kernel', settings.kernel);
	if (settings.profile) out.push('--profile', abs(settings.profile));
	for (const p of settings.driverRoots) out.push('--drivers', abs(p));
	if (settings.kconfig) out.push('--kconfig', abs(settings.kconfig));
	if (settings.config) out.push('--config', abs(settings.config));
	return out;
}
