/**
 * The editor features, one module each, over a `BoardSnapshot`. Pure: editor terms in and out.
 */
export type * from './types';
export { IDE_COMMANDS } from './types';
export { hover } from './hover';
export { definition, references } from './navigation';
export { boundNodes, compatibleAt } from './driver-navigation';
export { documentSymbols, workspaceSymbols } from './symbols';
export { syntaxFolding, syntaxOutline } from './syntax-outline';
export { documentLinks } from './links';
export { codeLenses } from './code-lens';
export { inlayHints } from './inlay-hints';
export { quickFixes, textQuickFixes } from './fixes';
