/**
 * Address façade: CPU physical translation of `reg` through `ranges`, the DMA view of a device
 * through `dma-ranges`, and the reserved-memory picture. Every result is plain data with source
 * references on each hop, for hovers and webviews.
 */
export {
	type AddressTranslation,
	type BusKind,
	busKindOf,
	decodePciPhysHi,
	describeAddress,
	dmaParentOf,
	isPciBus,
	type PciPhysHi,
	type PciSpace,
	type RangesProperty,
	readNumber,
	type TranslateOptions,
	translateAddress,
	type TranslationFailure,
	type TranslationFailureReason,
	type TranslationHop,
} from './translate';
/** `of_bus_n_addr_cells()` / `of_bus_n_size_cells()`: the cells a node gives its children (inherited, default 2/1). */
export { busAddressCells, busSizeCells } from '../dt/props';
export { decodeReg, type RegDecoding, type RegEntryTranslation, translateReg } from './reg';
export {
	cpuToDma,
	type DmaCoherency,
	dmaCoherency,
	type DmaMapStatus,
	type DmaView,
	dmaView,
	type DmaViewOptions,
	type DmaWalkStep,
	type DmaWindow,
	dmaWindowsOf,
} from './dma';
export {
	type LocatedRange,
	type MemoryBank,
	memoryBanks,
	type MemoryRegionUser,
	regionByPath,
	type ReservedMemory,
	reservedMemory,
	type ReservedPool,
	type ReservedRegion,
} from './reserved';
