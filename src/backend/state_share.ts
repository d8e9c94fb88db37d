/** Server admin states and weights shared through Redis (`shared.serverState`): a change made here (runtime API) is published, one published elsewhere is applied here. */
import { getLogger } from "@logtape/logtape";
import { randomId } from "../stick/shared/shared_table.ts";
import type { SyncPart } from "../stick/shared/sync.ts";
import { type AdminState, adminStateOf, setAdminState, setWeight } from "./admin.ts";
import type { Backend } from "./backend.ts";

const log = getLogger(["tsproxy", "shared"]);

const STATES: ReadonlySet<string> = new Set<AdminState>(["ready", "drain", "maint"]);

/**
 * One Redis hash, `PREFIX + "servers"`, field `backend/server`, value `STATE:WEIGHT:DATE:INSTANCE`
 * (the last writer's). At each sync an instance writes the servers whose admin state or weight
 * changed here since it last looked, then reads the hash back and applies every entry another
 * instance wrote that it has not seen yet: all instances end on what Redis holds, even when two
 * change the same server at once. The states a process starts with (its config) are not changes:
 * a new instance takes what the others published.
 */
export class ServerStateShare implements SyncPart {
  readonly #key: string;
  readonly #backends: () => ReadonlyMap<string, Backend>;
  readonly #instance: string;
  /** Per `backend/server`: `STATE:WEIGHT` as this instance last saw it (its own or applied). */
  readonly #known = new Map<string, string>();
  /** Per `backend/server`: the entry last read from Redis. */
  readonly #read = new Map<string, string>();
  /** Servers changed here and not yet acknowledged by Redis. */
  readonly #pending = new Set<string>();
  /** Servers this instance has published (written again when Redis comes back empty). */
  readonly #mine = new Set<string>();
  #writing: string[] = [];

  constructor(
    prefix: string,
    backends: () => ReadonlyMap<string, Backend>,
    instance: string = randomId(),
  ) {
    this.#key = `${prefix}servers`;
    this.#backends = backends;
    this.#instance = instance;
  }

  commands(now: number): (string | number)[][] {
    const set: (string | number)[] = [];
    this.#writing = [];
    for (const be of this.#backends().values()) {
      for (const s of be.servers) {
        const id = `${be.name}/${s.name}`, here = `${adminStateOf(s)}:${s.weight}`;
        const known = this.#known.get(id);
        this.#known.set(id, here);
        if (known !== undefined && known !== here) this.#pending.add(id);
        if (this.#pending.has(id)) {
          set.push(id, `${here}:${now}:${this.#instance}`);
          this.#writing.push(id);
        }
      }
    }
    const out: (string | number)[][] = set.length > 0 ? [["HSET", this.#key, ...set]] : [];
    out.push(["HGETALL", this.#key]);
    return out;
  }

  done(replies: readonly unknown[], _now: number): void {
    for (const id of this.#writing) this.#pending.delete(id), this.#mine.add(id);
    this.#writing = [];
    const fields = replies[replies.length - 1];
    if (!Array.isArray(fields)) return;
    const servers = new Map<string, [Backend, Backend["servers"][number]]>();
    for (const be of this.#backends().values()) {
      for (const s of be.servers) servers.set(`${be.name}/${s.name}`, [be, s]);
    }
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const id = String(fields[i]), entry = String(fields[i + 1]);
      if (this.#read.get(id) === entry) continue;
      this.#read.set(id, entry);
      const [state, weightText, , instance] = entry.split(":");
      const weight = Number(weightText);
      if (instance === this.#instance || this.#pending.has(id)) continue;
      const found = servers.get(id);
      if (found === undefined || !STATES.has(state!) || !Number.isInteger(weight)) continue;
      if (weight < 0 || weight > 256) continue;
      const [be, s] = found;
      this.#known.set(id, `${state}:${weight}`);
      if (adminStateOf(s) === state && s.weight === weight) continue;
      if (adminStateOf(s) !== state) setAdminState(be, s, state as AdminState);
      if (s.weight !== weight) setWeight(be, s, weight);
      log.info`server ${id}: ${state}, weight ${weight}, as instance ${instance} published`;
    }
  }

  failed(): void {
    this.#writing = []; // still pending: written again next time
  }

  resync(): void {
    for (const id of this.#mine) this.#pending.add(id);
    this.#read.clear();
  }
}
