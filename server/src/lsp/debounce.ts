/**
 * When an edit's own analysis starts. After a pause in typing (no edit of the board for the debounce,
 * and no analysis of it waiting or under way) the edit is analysed at once: its diagnostics come in
 * the time of one analysis. An edit inside a burst of typing waits until the typing pauses for the
 * debounce (each newer edit restarts the wait), so a burst costs one analysis more than its first
 * keystroke's, and the half-typed states in between are not published. An analysis started at once
 * that a newer edit makes stale is dropped at its next step (workspace.ts `snapshotSteps`).
 */
export class EditDebounce {
	/** When the documents analysed in each board were last edited. */
	private readonly lastEdit = new Map<string, number>();

	constructor(readonly debounceMs: number) {}

	/**
	 * An edit of a document analysed in `board` at `now` (ms): how long its analysis waits. `busy`: an
	 * analysis of the board is waiting or under way.
	 */
	edited(board: string, now: number, busy: boolean): number {
		const quiet = now - (this.lastEdit.get(board) ?? -Infinity);
		this.lastEdit.set(board, now);
		return !busy && quiet >= this.debounceMs ? 0 : this.debounceMs;
	}

	/** Forgets the boards no open document is analysed in (documents closed). */
	retain(boards: ReadonlySet<string>): void {
		for (const b of this.lastEdit.keys()) if (!boards.has(b)) this.lastEdit.delete(b);
	}
}
