# bash completion for bbconsole.
#
# The candidates come from the binary itself (`bbconsole --complete WORDS...
# CURRENT`): commands, subcommands and options from its command table, and
# integration, stack and space names from the database it would use (read
# only; only names and slugs, never a secret), so they never go stale.
# Installed by `make install` into bash-completion's directory.
_bbconsole()
{
	local cur=${COMP_WORDS[COMP_CWORD]} line IFS=$'\n'
	local -a out

	COMPREPLY=()
	out=($("${COMP_WORDS[0]}" --complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" \
		2>/dev/null))
	for line in "${out[@]}"; do
		if [ "$line" = "@files" ]; then
			COMPREPLY+=($(compgen -f -- "$cur"))
		else
			# a name with a space stays one word
			COMPREPLY+=("$(printf '%q' "$line")")
		fi
	done
}
complete -F _bbconsole bbconsole
