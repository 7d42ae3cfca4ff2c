/** Trees that trigger (and nearly trigger) the IOMMU checks. */
import type { CheckContext } from '../../../emulator/src/checks/context';
import type { Finding } from '../../../emulator/src/types';
import { buildView, type ViewNode } from '../../harness/dtview';
import { appsSmmu, board } from '../iommu/fixtures';

/** Runs a check over a tree built from `soc` children. */
export function run(check: (ctx: CheckContext) => Finding[], soc: ViewNode, iommu?: CheckContext['iommu'], root: ViewNode = {}): Finding[] {
	const view = buildView(board(soc, root));
	return check({ view, ...(iommu ? { iommu } : {}) });
}

/** A compact form for assertions: id, severity, line of loc, message, related lines, fix. */
export function brief(f: Finding): { id: string; severity: string; line: number; message: string; related: number[]; fix?: unknown } {
	return { id: f.id, severity: f.severity, line: f.loc.start.line, message: f.message, related: f.related.map((r) => r.loc.start.line), ...(f.fix ? { fix: f.fix } : {}) };
}

export { appsSmmu, board };
