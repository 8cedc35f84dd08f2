import path from 'node:path';
import { PACKAGE_ROOT } from '../config/load-config.js';
import type { Language } from '../core/types.js';

export const SAMPLE_FEEDS_DIR = path.join(PACKAGE_ROOT, 'demo', 'feeds');

/** The bundled sample feeds: fictional outlets, three languages, RSS and Atom. */
export const SAMPLE_FEEDS: readonly { file: string; name: string; language: Language }[] = [
  { file: 'diario-del-plata.xml', name: 'Diario del Plata', language: 'es' },
  { file: 'agencia-sul.xml', name: 'Agência Sul', language: 'pt' },
  { file: 'hemisphere-wire.atom', name: 'Hemisphere Wire', language: 'en' },
  { file: 'el-caribe-hoy.atom', name: 'El Caribe Hoy', language: 'es' },
  { file: 'observatorio-andino.xml', name: 'Observatorio Andino', language: 'es' },
];
