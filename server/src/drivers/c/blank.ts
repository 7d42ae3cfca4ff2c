/**
 * Kernel annotation macros tree-sitter-c does not know (`__iomem`, `__init`, `__maybe_unused`,
 * `__attribute__((...))`, `__aligned(8)`, ...), blanked to spaces of the same length before parsing,
 * so the parse sees plain C and every offset stays exact. Newlines inside a blanked span are kept.
 */

/** Bare annotation words. */
const WORDS = [
	'__iomem', '__init', '__exit', '__initdata', '__initconst', '__exitdata', '__devinit', '__devexit', '__refdata', '__ref',
	'__maybe_unused', '__always_unused', '__used', '__must_check', '__always_inline', '__noinline', 'noinline', '__inline',
	'__user', '__kernel', '__rcu', '__percpu', '__force', '__bitwise', '__cold', '__hot', '__ro_after_init', '__read_mostly',
	'__packed', '__weak', '__noreturn', '__pure', '__const', '__visible', '__latent_entropy', '__nocfi', '__randomize_layout',
	'__cacheline_aligned', '__cacheline_aligned_in_smp', '__init_or_module', '__initdata_or_module', '__nostackprotector',
	'__sched', '__irq_entry', 'asmlinkage', '__deprecated', '__malloc', '__iomem_ptr', '__counted_by_ptr', '__no_sanitize_address',
];

/** Annotation macros that take one parenthesized argument list. */
const CALLS = [
	'__attribute__', '__attribute', '__aligned', '__section', '__printf', '__scanf', '__acquires', '__releases', '__must_hold',
	'__cond_lock', '__counted_by', '__alloc_size', '__nonstring', '__diag_ignore', '__no_randomize_layout', '__guarded_by',
	'__free', '__cleanup',
];

const WORD_RE = new RegExp(`\\b(?:${WORDS.join('|')})\\b`, 'g');
const CALL_RE = new RegExp(`\\b(?:${CALLS.join('|')})\\s*\\(`, 'g');

const spaces = (s: string): string => s.replace(/[^\n\r]/g, ' ');

/** The text with every known annotation replaced by spaces (same length, same line breaks). */
export function blankAnnotations(text: string): { text: string; blanked: number } {
	let blanked = 0;
	let out = text.replace(WORD_RE, (w) => {
		blanked++;
		return ' '.repeat(w.length);
	});
	// Calls: blank through the balancing parenthesis.
	const parts: string[] = [];
	let last = 0;
	for (const m of out.matchAll(CALL_RE)) {
		const start = m.index as number;
		if (start < last) continue;
		let depth = 0;
		let i = start + m[0].length - 1;
		for (; i < out.length; i++) {
			const c = out[i];
			if (c === '(') depth++;
			else if (c === ')' && --depth === 0) break;
		}
		if (depth !== 0) continue;
		parts.push(out.slice(last, start), spaces(out.slice(start, i + 1)));
		last = i + 1;
		blanked++;
	}
	if (parts.length > 0) out = parts.join('') + out.slice(last);
	return { text: out, blanked };
}
