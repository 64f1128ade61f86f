/**
 * The view's state: what is shown, what is selected, the dig being drawn and its screening.
 * A factory, not a singleton: each viewer (and each test) gets its own store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ColourScheme } from '../core/colours';
import { UTILITY_TYPES, type UtilityType } from '../core/model';
import type { Locale } from '../ui/i18n';

export type LonLat = [number, number];

export type LoadState =
  | { status: 'loading'; done: number; total: number }
  | { status: 'ready'; version: number; links: number; segments: number }
  | { status: 'error'; message: string };

export interface ViewState {
  locale: Locale;
  colourScheme: ColourScheme;
  visible: Record<UtilityType, boolean>;
  underground: boolean;
  load: LoadState;
  /** The line a person tapped, with the cover depth at the tapped point. */
  selection: { linkId: string; coverHere: number | null } | null;
  dig: { drawing: boolean; corners: LonLat[]; depth: number };
  ruleSetId: string;
  /** The reviewer's own clearances (m) per utility, notify distance and why; empty means none. */
  overrides: { clearances: Partial<Record<UtilityType, number>>; notifyDistance: number | null; reason: string };
}

export type ViewStore = StoreApi<ViewState>;

export function createViewStore(initial: Partial<ViewState> = {}): ViewStore {
  return createStore<ViewState>(() => ({
    locale: 'en',
    colourScheme: 'cjj61',
    visible: Object.fromEntries(UTILITY_TYPES.map((u) => [u, true])) as Record<UtilityType, boolean>,
    underground: false,
    load: { status: 'loading', done: 0, total: UTILITY_TYPES.length },
    selection: null,
    dig: { drawing: false, corners: [], depth: 2.0 },
    ruleSetId: 'cn-gb50289',
    overrides: { clearances: {}, notifyDistance: null, reason: '' },
    ...initial,
  }));
}
