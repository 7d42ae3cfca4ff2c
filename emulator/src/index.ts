/**
 * The embedded emulator of how Linux wires DMA masters to IOMMUs, rpmsg channels and remote
 * processors. Pure TypeScript: no IO, no LSP, no dependencies (see README.md).
 *
 * Parts, each with its own façade:
 * - `address`: `reg` → CPU physical addresses through `ranges`, DMA views through `dma-ranges`,
 *   `/reserved-memory` and its users;
 * - `iommu`: IOMMU model plugins, `iommus`/`iommu-map`/`msi-map` decoding (of_map_id), SMR/STE
 *   allocation and groups;
 * - `rpmsg`: remote processors, their rpmsg channels, fastrpc channels and sessions;
 * - `probe`: kernel eras, driver facts, the probe-order simulation over every order the kernel
 *   could take;
 * - `scenario`: what-ifs on top of a board, traces and outcome diffs;
 * - `checks`: one file per finding id.
 */
export * from './addr';
export * from './types';
export * as address from './address';
export * as iommu from './iommu';
export * as rpmsg from './rpmsg';
export * as probe from './probe';
export * as scenario from './scenario';
