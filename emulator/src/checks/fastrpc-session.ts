/**
 * Finding: fastrpc-session
 *
 * Triggers on a `qcom,fastrpc` channel whose compute context banks or placement break
 * `fastrpc_rpmsg_probe()`/`fastrpc_cb_probe()` (drivers/misc/fastrpc.c):
 * - a `qcom,fastrpc-compute-cb` without `reg`: "FastRPC Session ID not specified in DT", sid 0;
 * - two compute-cbs of one channel with the same `reg` (the same `sid << 32` tag: the DSP cannot
 *   tell their buffers apart);
 * - more than FASTRPC_MAX_SESSIONS (14) sessions: the CB whose probe finds the table full fails
 *   with "too many sessions" (-ENOSPC); `qcom,nsessions` copies past the limit are dropped silently;
 * - a `label` that is not a domain: "FastRPC Invalid Domain ID -1" (kernels before the gdsp
 *   rework; newer ones print "FastRPC Domain %s not supported"), or a missing label ("FastRPC
 *   Domain not specified in DT"); `cdsp1`/`gdsp*` labels only work on newer kernels;
 * - a `qcom,fastrpc` node that is not a channel of a `glink-edge`/`smd-edge` (no rpmsg device is
 *   ever created for it), or that lacks the channel name the edge needs.
 */
import { fastrpcChannels } from '../rpmsg/fastrpc';
import type { Finding } from '../types';
import type { CheckContext } from './context';

/** Runs the `fastrpc-session` check. */
export function check(ctx: CheckContext): Finding[] {
	const out: Finding[] = [];
	for (const ch of fastrpcChannels(ctx.view)) {
		if (!ch.available) continue;
		if (!ch.edge) {
			out.push({
				id: 'fastrpc-session',
				severity: 'error',
				message: `${ch.node} is not a channel of a glink-edge or smd-edge: no rpmsg device is created for it, so fastrpc_rpmsg_probe() never runs and its compute-cb children never become devices.`,
				loc: ch.loc,
				related: [],
			});
		} else if (ch.channelNames.length === 0) {
			const prop = ch.edgeKind === 'smd' ? 'qcom,smd-channels' : 'qcom,glink-channels';
			const name = ch.edgeKind === 'smd' ? 'fastrpcsmd-apps-dsp' : 'fastrpcglink-apps-dsp';
			out.push({
				id: 'fastrpc-session',
				severity: 'error',
				message: `${ch.node} has no ${prop}: the ${ch.edgeKind === 'smd' ? 'SMD' : 'GLINK'} channel the DSP opens is never matched to this node, so the fastrpc driver never probes.`,
				loc: ch.loc,
				related: [],
				fix: { kind: 'add-property', node: ch.node, property: prop, value: `"${name}"` },
			});
		}
		if (ch.labelStatus === 'missing') {
			out.push({ id: 'fastrpc-session', severity: 'error', message: `FastRPC Domain not specified in DT: ${ch.node} has no label, so fastrpc_rpmsg_probe() fails and no /dev/fastrpc-* device is created.`, loc: ch.loc, related: [] });
		} else if (ch.labelStatus === 'invalid' && ch.labelLoc) {
			out.push({
				id: 'fastrpc-session',
				severity: 'error',
				message: `FastRPC Invalid Domain ID -1: label "${ch.label}" of ${ch.node} is not adsp, mdsp, sdsp or cdsp, so fastrpc_rpmsg_probe() fails with -EINVAL (newer kernels print "FastRPC Domain ${ch.label} not supported").`,
				loc: ch.labelLoc,
				related: [],
			});
		} else if (ch.labelStatus === 'newer-only' && ch.labelLoc) {
			out.push({
				id: 'fastrpc-session',
				severity: 'warning',
				message: `label "${ch.label}" of ${ch.node} is only accepted by kernels that match the domain by its first four characters (with gdsp support); older kernels fail probe with "FastRPC Invalid Domain ID -1".`,
				loc: ch.labelLoc,
				related: [],
			});
		}
		const byReg = new Map<number, string>();
		for (const cb of ch.computeCbs) {
			if (!cb.available) continue;
			if (cb.reg === undefined) {
				out.push({
					id: 'fastrpc-session',
					severity: 'error',
					message: `FastRPC Session ID not specified in DT: ${cb.node} has no reg, so its session uses sid 0 and its buffers reach the DSP untagged, in the context of whatever CB the firmware maps to 0.`,
					loc: cb.loc,
					related: [{ loc: ch.loc, message: `channel ${ch.node}` }],
					fix: { kind: 'add-property', node: cb.node, property: 'reg' },
				});
			} else {
				const first = byReg.get(cb.reg);
				const firstNode = first ? ctx.view.byPath(first) : undefined;
				if (firstNode) {
					out.push({
						id: 'fastrpc-session',
						severity: 'error',
						message: `${cb.node} has reg <${cb.reg}> like ${first}: both sessions tag buffers with ${`0x${(BigInt(cb.reg) << 32n).toString(16)}`} (sid ${cb.reg} << 32), so the DSP uses one context bank for both.`,
						loc: cb.regLoc ?? cb.loc,
						related: [{ loc: firstNode.property('reg')?.loc ?? firstNode.loc, message: `reg of ${first}` }],
					});
				} else byReg.set(cb.reg, cb.node);
			}
			if (cb.tooManySessions) {
				out.push({
					id: 'fastrpc-session',
					severity: 'error',
					message: `too many sessions: ${ch.node} asks for ${ch.requestedSessions} sessions, more than FASTRPC_MAX_SESSIONS (14); fastrpc_cb_probe() of ${cb.node} fails with -ENOSPC, so this context bank is never used.`,
					loc: cb.loc,
					related: ch.computeCbs.filter((o) => o.sessions.length > 0).map((o) => ({ loc: o.nsessionsLoc ?? o.loc, message: `${o.node}: ${o.sessions.length} session(s)` })),
				});
			} else if (cb.droppedCopies > 0) {
				out.push({
					id: 'fastrpc-session',
					severity: 'warning',
					message: `qcom,nsessions = <${cb.nsessions}> of ${cb.node} exceeds the 14 sessions of ${ch.node}: the last ${cb.droppedCopies} cop${cb.droppedCopies === 1 ? 'y is' : 'ies are'} silently dropped.`,
					loc: cb.nsessionsLoc ?? cb.loc,
					related: [],
				});
			}
		}
	}
	return out;
}
