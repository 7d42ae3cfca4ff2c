/**
 * A small JSON Schema validator for the tests (draft-04 and draft-07 as far as the schemas used here
 * go: the official SARIF 2.1.0 schema, shipped in @microsoft/jest-sarif, and test/cli/schemas): type,
 * enum, const, required, properties, additionalProperties, items, minItems, uniqueItems, minimum,
 * maximum, pattern, format (uri, uri-reference, date-time), anyOf, oneOf, $ref to #/definitions;
 * `id`, `default`, `title`, `description` are annotations. Returns every error with its JSON path; an
 * unknown keyword is an error too, so a schema cannot silently use one it ignores.
 */
type Schema = Record<string, unknown>;

const KNOWN = new Set(['$schema', '$comment', 'id', 'default', 'title', 'description', 'definitions', 'anyOf', 'oneOf', 'type', 'enum', 'const', 'required', 'properties', 'additionalProperties', 'items', 'minItems', 'uniqueItems', 'minimum', 'maximum', 'pattern', 'format', '$ref']);

function typeOf(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'array';
	if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
	return typeof v;
}

export function validate(root: Schema, value: unknown, start: Schema = root): string[] {
	const errors: string[] = [];
	const check = (schema: Schema, v: unknown, path: string): void => {
		for (const k of Object.keys(schema)) if (!KNOWN.has(k)) errors.push(`${path}: schema keyword '${k}' is not supported by this validator`);
		if (typeof schema.$ref === 'string') {
			const m = /^#\/definitions\/(.+)$/.exec(schema.$ref);
			const target = m ? (root.definitions as Record<string, Schema> | undefined)?.[m[1] as string] : undefined;
			if (!target) errors.push(`${path}: unresolvable $ref ${schema.$ref}`);
			else check(target, v, path);
			return;
		}
		for (const key of ['anyOf', 'oneOf'] as const) {
			const alternatives = schema[key] as Schema[] | undefined;
			if (!alternatives) continue;
			const matching = alternatives.filter((alt) => {
				const sub = validate(root, v, alt);
				return sub.length === 0;
			}).length;
			if (key === 'anyOf' ? matching === 0 : matching !== 1) errors.push(`${path}: matches ${matching} of the ${alternatives.length} ${key} alternatives`);
		}
		const t = typeOf(v);
		if (schema.type !== undefined) {
			const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
			if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) {
				errors.push(`${path}: expected ${types.join('|')}, got ${t}`);
				return;
			}
		}
		if (schema.enum && !(schema.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(schema.enum)}`);
		if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) errors.push(`${path}: expected ${JSON.stringify(schema.const)}`);
		if (typeof v === 'number') {
			if (typeof schema.minimum === 'number' && v < schema.minimum) errors.push(`${path}: ${v} < minimum ${schema.minimum}`);
			if (typeof schema.maximum === 'number' && v > schema.maximum) errors.push(`${path}: ${v} > maximum ${schema.maximum}`);
		}
		if (typeof v === 'string') {
			if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(v)) errors.push(`${path}: does not match ${schema.pattern}`);
			if (schema.format === 'uri' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]*$/.test(v)) errors.push(`${path}: not an absolute URI: ${v}`);
			if (schema.format === 'uri-reference' && /[\s\\]/.test(v)) errors.push(`${path}: not a URI reference: ${v}`);
			if (schema.format === 'date-time' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(v)) errors.push(`${path}: not an RFC 3339 date-time: ${v}`);
		}
		if (Array.isArray(v)) {
			if (typeof schema.minItems === 'number' && v.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
			if (schema.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) errors.push(`${path}: items are not unique`);
			if (schema.items) v.forEach((x, i) => check(schema.items as Schema, x, `${path}[${i}]`));
		}
		if (t === 'object') {
			const obj = v as Record<string, unknown>;
			for (const r of (schema.required as string[] | undefined) ?? []) if (!(r in obj)) errors.push(`${path}: missing required '${r}'`);
			const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
			for (const [k, x] of Object.entries(obj)) {
				if (props[k]) check(props[k] as Schema, x, `${path}.${k}`);
				else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property '${k}'`);
				else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') check(schema.additionalProperties as Schema, x, `${path}.${k}`);
			}
		}
	};
	check(start, value, '$');
	return errors;
}
