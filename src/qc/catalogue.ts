/** The registry of checks and kind handlers the engine runs with. Built once at start-up. */
import type { AssetKind, CheckDefinition, KindHandler } from './types.js';

export class CheckCatalogue {
  private readonly byId = new Map<string, CheckDefinition<unknown>>();

  constructor(definitions: readonly CheckDefinition<never>[]) {
    for (const def of definitions as readonly CheckDefinition<unknown>[]) {
      if (this.byId.has(def.id)) throw new Error(`check id ${def.id} is registered twice`);
      this.byId.set(def.id, def);
    }
  }

  get(id: string): CheckDefinition<unknown> | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): CheckDefinition<unknown>[] {
    return [...this.byId.values()];
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}

export class KindRegistry {
  private readonly byKind = new Map<AssetKind, KindHandler>();

  constructor(handlers: readonly KindHandler[]) {
    for (const h of handlers) {
      if (this.byKind.has(h.kind)) throw new Error(`kind ${h.kind} has two handlers`);
      this.byKind.set(h.kind, h);
    }
  }

  get(kind: AssetKind): KindHandler | undefined {
    return this.byKind.get(kind);
  }
}
