import { CS_IMG_001 } from './cs-img-001';
import { CS_IMG_002 } from './cs-img-002';
import { CS_IMG_003 } from './cs-img-003';
import { CS_KSV_001 } from './cs-ksv-001';
import { CS_KSV_002 } from './cs-ksv-002';
import { CS_KSV_003 } from './cs-ksv-003';
import { CS_LORA_001 } from './cs-lora-001';
import { CS_PRF_001 } from './cs-prf-001';
import { CS_RT_001 } from './cs-rt-001';
import { CS_RT_002 } from './cs-rt-002';
import { CS_RT_003 } from './cs-rt-003';
import { CS_RT_004 } from './cs-rt-004';
import { CS_RT_005 } from './cs-rt-005';
import { CS_RT_006 } from './cs-rt-006';
import { CS_SEC_001 } from './cs-sec-001';
import { CS_SEC_002 } from './cs-sec-002';
import { CS_SEC_003 } from './cs-sec-003';
import { CS_SEC_004 } from './cs-sec-004';
import { CS_SEC_005 } from './cs-sec-005';
import { CS_SHM_001 } from './cs-shm-001';
import { CS_SHM_002 } from './cs-shm-002';
import { CS_SHM_003 } from './cs-shm-003';
import { CS_SLP_001 } from './cs-slp-001';
import { CS_WL_001 } from './cs-wl-001';
import { CS_WL_002 } from './cs-wl-002';
import { CS_WL_003 } from './cs-wl-003';
import { Rule } from './rule';

/** The baseline rules, in RULES.md order (one per line: several issues add rules). @internal */
export const BASELINE_RULES: readonly Rule[] = [
  CS_IMG_001,
  CS_IMG_002,
  CS_IMG_003,
  CS_SHM_001,
  CS_SHM_002,
  CS_SHM_003,
  CS_RT_001,
  CS_RT_002,
  CS_RT_003,
  CS_RT_004,
  CS_RT_005,
  CS_RT_006,
  CS_WL_001,
  CS_WL_002,
  CS_WL_003,
  CS_PRF_001,
  CS_KSV_001,
  CS_KSV_002,
  CS_KSV_003,
  CS_SEC_001,
  CS_SEC_002,
  CS_SEC_003,
  CS_SEC_004,
  CS_SEC_005,
  CS_SLP_001,
  CS_LORA_001,
];
