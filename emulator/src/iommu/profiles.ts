/**
 * SoC profiles: IOMMU hardware parameters that the devicetree does not carry (stream ID width, number of
 * SMR groups and context banks, reserved/secure resources). Built-in profiles are data keyed by
 * compatible; a user profile (validated by `validateProfile`) overrides them per compatible or per node
 * path. Checks that need a number read it from `ResolvedProfile.known` and stay silent when it is
 * unknown; the simulation reads `effective`, which falls back to the architecture's limits.
 */
import type { DtNodeView } from '../types';

/** A stream (ID + SMR mask) that belongs to a secure or stage-2-only context on a SoC. */
export interface ReservedStream {
	readonly id: number;
	readonly mask?: number;
	readonly note?: string;
}

/** Hardware parameters; every field optional (unknown). */
export interface ProfileFields {
	/** Implemented stream ID bits (SMMUv1/v2: NUMSIDB or 16 with EXIDS; SMMUv3: IDR1.SIDSIZE). */
	readonly streamIdBits?: number;
	/** Implemented SMR mask bits (what `arm_smmu_test_smr_masks()` discovers). */
	readonly smrMaskBits?: number;
	/** ID0.SMS: stream matching (true) or stream indexing (false). */
	readonly streamMatching?: boolean;
	/** ID0.NUMSMRG: number of stream-match register groups. */
	readonly numSmrg?: number;
	/** ID1.NUMCB: number of context banks. */
	readonly numContextBanks?: number;
	/** ID1.NUMS2CB: context banks that only support stage 2 (S1 domains allocate above them). */
	readonly numS2ContextBanks?: number;
	/** Context banks the firmware/hypervisor keeps (never allocated by Linux). */
	readonly reservedContextBanks?: readonly number[];
	/** Streams that belong to secure or S2-only contexts and must not be given to HLOS. */
	readonly secureStreams?: readonly ReservedStream[];
	/** Coherent page-table walk (IDR0.CTTW / the interconnect). */
	readonly coherentWalk?: boolean;
	/** SMMUv3: two-level stream table (IDR0.ST_LEVEL). */
	readonly twoLevelStreamTable?: boolean;
}

/** Names of the fields, for validation and provenance. */
export const PROFILE_FIELDS = [
	'streamIdBits',
	'smrMaskBits',
	'streamMatching',
	'numSmrg',
	'numContextBanks',
	'numS2ContextBanks',
	'reservedContextBanks',
	'secureStreams',
	'coherentWalk',
	'twoLevelStreamTable',
] as const;

export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A built-in profile: fields plus where each number comes from. */
export interface BuiltinProfile {
	readonly name: string;
	/** The first compatible that selects it (most specific). */
	readonly compatible: string;
	/**
	 * Compatibles that exclude the profile: another instance of the same SoC that shares `compatible`
	 * (sm8550's Adreno GPU SMMU is also `qcom,sm8550-smmu-500`, with its own, smaller geometry).
	 */
	readonly unless?: readonly string[];
	readonly fields: ProfileFields;
	/** Per field: `source: ...` when read from a source, `conservative: ...` when it is a safe bound. */
	readonly provenance: Readonly<Partial<Record<ProfileField, string>>>;
}

/**
 * Built-in profiles. Numbers marked `source` come from the upstream devicetree (v7.1 corpus) or kernel
 * sources; `conservative` numbers are upper bounds that the kernel itself enforces (e.g. the driver
 * refuses to probe an SMMUv2 with fewer context interrupts than NUMCB, so the context interrupts an
 * upstream, booting dtsi lists bound NUMCB from above).
 */
export const BUILTIN_PROFILES: readonly BuiltinProfile[] = [
	{
		name: 'sdm845 apps_smmu (MMU-500)',
		compatible: 'qcom,sdm845-smmu-500',
		unless: ['qcom,adreno-smmu'],
		fields: { streamIdBits: 16, smrMaskBits: 16, streamMatching: true, numContextBanks: 64, coherentWalk: false },
		provenance: {
			streamIdBits: 'source: MMU-500 implements 16-bit stream IDs (domain notes §3 IOMMU003)',
			smrMaskBits: 'conservative: same width as the stream ID',
			streamMatching: 'source: MMU-500 always implements stream matching',
			numContextBanks:
				'conservative: sdm845.dtsi apps_smmu lists 65 interrupts with #global-interrupts = <1>, i.e. 64 context interrupts, and arm_smmu_device_probe() requires at least NUMCB of them',
			coherentWalk: 'source: sdm845.dtsi apps_smmu has no dma-coherent (the coherent-walk change was reverted upstream)',
		},
	},
	{
		name: 'sm8550 apps_smmu (MMU-500)',
		compatible: 'qcom,sm8550-smmu-500',
		unless: ['qcom,adreno-smmu'],
		fields: { streamIdBits: 16, smrMaskBits: 16, streamMatching: true, numContextBanks: 96, coherentWalk: true },
		provenance: {
			streamIdBits: 'source: MMU-500 implements 16-bit stream IDs',
			smrMaskBits: 'conservative: same width as the stream ID',
			streamMatching: 'source: MMU-500 always implements stream matching',
			numContextBanks: 'conservative: sm8550.dtsi apps_smmu lists 97 interrupts, #global-interrupts = <1>: at most 96 context banks',
			coherentWalk: 'source: sm8550.dtsi apps_smmu is dma-coherent',
		},
	},
	{
		name: 'Juno MMU-401 (SMMUv1)',
		compatible: 'arm,mmu-401',
		fields: { streamIdBits: 15, smrMaskBits: 15, streamMatching: true },
		provenance: {
			streamIdBits: 'source: MMU-401 implements 15-bit stream IDs (domain notes §3 IOMMU003; TRM not re-read)',
			smrMaskBits: 'conservative: same width as the stream ID',
			streamMatching: 'source: juno-base.dtsi gives smmu_dma nine distinct stream IDs 0..8 behind one MMU-401',
		},
	},
];

/** Architecture limits used by the simulation when a number is unknown (never used by checks). */
export interface ArchitectureDefaults {
	readonly streamIdBits: number;
	readonly smrMaskBits: number;
	readonly streamMatching: boolean;
	readonly numSmrg: number;
	readonly numContextBanks: number;
	readonly numS2ContextBanks: number;
	readonly twoLevelStreamTable: boolean;
}

/** SMMUv1/v2: 16-bit SMR ID/MASK fields, at most 128 SMR groups and 128 context banks (ARM_SMMU_MAX_CBS). */
export const SMMU_V2_LIMITS: ArchitectureDefaults = {
	streamIdBits: 16,
	smrMaskBits: 16,
	streamMatching: true,
	numSmrg: 128,
	numContextBanks: 128,
	numS2ContextBanks: 0,
	twoLevelStreamTable: false,
};

/** SMMUv3: up to 32-bit stream IDs (IDR1.SIDSIZE), two-level stream table when SIDs are wide. */
export const SMMU_V3_LIMITS: ArchitectureDefaults = {
	streamIdBits: 32,
	smrMaskBits: 0,
	streamMatching: false,
	numSmrg: 0,
	numContextBanks: 0,
	numS2ContextBanks: 0,
	twoLevelStreamTable: true,
};

/** The profile a node ends up with. */
export interface ResolvedProfile {
	/** Names of the profiles applied, most general first (`default`, a built-in, `user compatible x`, `user path y`). */
	readonly sources: readonly string[];
	/** Only numbers some profile gave: checks read these and stay silent on undefined. */
	readonly known: ProfileFields;
	/** Known numbers completed with the architecture's limits: what the simulation uses. */
	readonly effective: ArchitectureDefaults & ProfileFields;
	/** Per field, where the known value comes from. */
	readonly provenance: Readonly<Partial<Record<ProfileField, string>>>;
}

/** User overrides, per compatible (any of the node's compatibles) and per node path; paths win. */
export interface UserProfiles {
	readonly byCompatible?: Readonly<Record<string, ProfileFields>>;
	readonly byPath?: Readonly<Record<string, ProfileFields>>;
}

/**
 * The profile of an IOMMU node: architecture limits, then the built-in profile of the node's most
 * specific compatible that has one, then user overrides by compatible, then by path.
 */
export function resolveProfile(
	node: DtNodeView,
	compatibles: readonly string[],
	limits: ArchitectureDefaults,
	user?: UserProfiles,
): ResolvedProfile {
	const sources: string[] = ['default'];
	let known: ProfileFields = {};
	const provenance: Partial<Record<ProfileField, string>> = {};
	const apply = (fields: ProfileFields, source: string, prov?: Partial<Record<ProfileField, string>>): void => {
		sources.push(source);
		known = { ...known, ...fields };
		for (const key of PROFILE_FIELDS) if (fields[key] !== undefined) provenance[key] = prov?.[key] ?? source;
	};
	const builtin = compatibles
		.map((c) => BUILTIN_PROFILES.find((p) => p.compatible === c && !(p.unless ?? []).some((u) => compatibles.includes(u))))
		.find((p) => p !== undefined);
	if (builtin) apply(builtin.fields, `builtin ${builtin.name}`, builtin.provenance);
	for (const c of [...compatibles].reverse()) {
		const fields = user?.byCompatible?.[c];
		if (fields) apply(fields, `user compatible ${c}`);
	}
	const byPath = user?.byPath?.[node.path];
	if (byPath) apply(byPath, `user path ${node.path}`);
	return { sources, known, effective: { ...limits, ...known }, provenance };
}

const NUMERIC: Readonly<Partial<Record<ProfileField, [number, number]>>> = {
	streamIdBits: [1, 32],
	smrMaskBits: [0, 16],
	numSmrg: [1, 255],
	numContextBanks: [1, 255],
	numS2ContextBanks: [0, 255],
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function validateFields(value: unknown, where: string, errors: string[]): ProfileFields | undefined {
	if (!isRecord(value)) {
		errors.push(`${where}: expected an object of profile fields`);
		return undefined;
	}
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		const at = `${where}.${key}`;
		if (!(PROFILE_FIELDS as readonly string[]).includes(key)) {
			errors.push(`${at}: unknown field (known: ${PROFILE_FIELDS.join(', ')})`);
			continue;
		}
		const range = NUMERIC[key as ProfileField];
		if (range) {
			if (typeof v !== 'number' || !Number.isInteger(v) || v < range[0] || v > range[1]) {
				errors.push(`${at}: expected an integer from ${range[0]} to ${range[1]}, got ${JSON.stringify(v)}`);
				continue;
			}
			out[key] = v;
		} else if (key === 'streamMatching' || key === 'coherentWalk' || key === 'twoLevelStreamTable') {
			if (typeof v !== 'boolean') {
				errors.push(`${at}: expected true or false, got ${JSON.stringify(v)}`);
				continue;
			}
			out[key] = v;
		} else if (key === 'reservedContextBanks') {
			if (!Array.isArray(v) || !v.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 256)) {
				errors.push(`${at}: expected an array of context bank numbers (0-255)`);
				continue;
			}
			out[key] = [...(v as number[])];
		} else if (key === 'secureStreams') {
			if (!Array.isArray(v)) {
				errors.push(`${at}: expected an array of { id, mask?, note? }`);
				continue;
			}
			const streams: ReservedStream[] = [];
			v.forEach((s, i) => {
				const okNum = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
				if (!isRecord(s) || !okNum(s.id) || (s.mask !== undefined && !okNum(s.mask)) || (s.note !== undefined && typeof s.note !== 'string')) {
					errors.push(`${at}[${i}]: expected { id: integer, mask?: integer, note?: string }`);
					return;
				}
				streams.push({ id: s.id, ...(s.mask !== undefined ? { mask: s.mask as number } : {}), ...(s.note !== undefined ? { note: s.note as string } : {}) });
			});
			out[key] = streams;
		}
	}
	return out as ProfileFields;
}

/**
 * Validates a user profile object (parsed JSON): `{ byCompatible?: { "<compatible>": fields },
 * byPath?: { "/soc@0/iommu@15000000": fields } }`. Returns the profile when there are no errors; each
 * error names the offending key path.
 */
export function validateProfile(json: unknown): { profile?: UserProfiles; errors: string[] } {
	const errors: string[] = [];
	if (!isRecord(json)) return { errors: ['profile: expected an object with "byCompatible" and/or "byPath"'] };
	const result: { byCompatible?: Record<string, ProfileFields>; byPath?: Record<string, ProfileFields> } = {};
	for (const key of Object.keys(json)) {
		if (key !== 'byCompatible' && key !== 'byPath') errors.push(`profile.${key}: unknown key (expected "byCompatible" or "byPath")`);
	}
	for (const section of ['byCompatible', 'byPath'] as const) {
		const value = json[section];
		if (value === undefined) continue;
		if (!isRecord(value)) {
			errors.push(`profile.${section}: expected an object keyed by ${section === 'byPath' ? 'node path' : 'compatible'}`);
			continue;
		}
		const out: Record<string, ProfileFields> = {};
		for (const [k, v] of Object.entries(value)) {
			if (section === 'byPath' && !k.startsWith('/')) errors.push(`profile.byPath["${k}"]: a node path starts with "/"`);
			const fields = validateFields(v, `profile.${section}["${k}"]`, errors);
			if (fields) out[k] = fields;
		}
		result[section] = out;
	}
	return errors.length ? { errors } : { profile: result, errors };
}
