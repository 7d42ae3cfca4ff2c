/**
 * The shape every quick fix module has (one module per fix, named after the fix id): which fix data
 * `kind`s it reads and how it turns a report item into edits. Not a fix itself.
 */
import type { DtTree } from '../../dts/types';
import type { BoardSnapshot, QuickFix, ReportItem } from '../types';
import type { Texts } from './edit';

/** What a fix that needs only texts gets (the C-side fixes, offered on driver sources outside any board). */
export interface TextFixInput {
	readonly item: ReportItem;
	/** The fix data (present: a module is only asked for its own kinds). */
	readonly data: NonNullable<ReportItem['fix']>;
	readonly texts: Texts;
}

export interface FixInput extends TextFixInput {
	readonly snapshot: BoardSnapshot;
	readonly tree: DtTree;
}

export interface FixModule {
	/** The fix id (the module's file name). */
	readonly id: string;
	/** The fix data kinds it handles. */
	readonly kinds: readonly string[];
	/** The fixes offered; none when an edit would not be safe (macro-produced text, unknown layout). */
	offer(input: FixInput): QuickFix[];
}

/** A fix that reads only the texts of files (no resolved tree): it can be offered outside a board. */
export interface TextFixModule extends FixModule {
	offer(input: TextFixInput): QuickFix[];
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
