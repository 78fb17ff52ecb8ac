import { defineTestConfig } from '@repo/testing/vitest-config'

export default defineTestConfig(import.meta.dirname)
