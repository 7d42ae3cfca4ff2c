/**
 * The embedded emulator of how Linux wires DMA masters to IOMMUs, rpmsg channels and remote
 * processors. Pure TypeScript: no IO, no LSP, no dependencies (see README.md).
 */
export * from './addr';
